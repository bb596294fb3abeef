{#- Prices and costs stay in the product currency: a product has no transaction date to convert at. -#}
with

products as (

    select * from {{ ref('stg_crm__products') }}

),

final as (

    select
        cast(product_id as varchar) as product_id,
        cast(sku as varchar) as sku,
        cast(product_name as varchar) as product_name,
        cast(category as varchar) as category,
        cast(is_subscription as boolean) as is_subscription,
        cast(currency_code as varchar) as currency_code,
        cast(list_price as numeric(18, 6)) as list_price,
        cast(unit_cost as numeric(18, 6)) as unit_cost,
        cast(list_price - unit_cost as numeric(18, 6)) as unit_margin,
        cast(launched_at as timestamp) as launched_at,
        cast(launched_at as date) as launch_date,
        cast(updated_at as timestamp) as updated_at

    from products

)

select * from final
