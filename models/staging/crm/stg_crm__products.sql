with

base as (

    select * from {{ ref('base_crm__products') }}

),

accepted as (

    select
        product_id,
        sku,
        product_name,
        category,
        is_subscription,
        list_price,
        unit_cost,
        currency_code,
        launched_at,
        updated_at,
        raw_row_hash

    from base

    where rejection_reason is null

)

select * from accepted
