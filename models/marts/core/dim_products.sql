{#- Prices and costs stay in the product currency: a product has no transaction date to convert at. -#}
with

products as (

    select * from {{ ref('stg_crm__products') }}

),

final as (

    select
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(sku as {{ dbt.type_string() }}) as sku,
        cast(product_name as {{ dbt.type_string() }}) as product_name,
        cast(category as {{ dbt.type_string() }}) as category,
        cast(is_subscription as {{ dbt.type_boolean() }}) as is_subscription,
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,
        cast(list_price as numeric(18, 6)) as list_price,
        cast(unit_cost as numeric(18, 6)) as unit_cost,
        cast(list_price - unit_cost as numeric(18, 6)) as unit_margin,
        cast(launched_at as {{ dbt.type_timestamp() }}) as launched_at,
        cast(launched_at as date) as launch_date,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at

    from products

)

select * from final
