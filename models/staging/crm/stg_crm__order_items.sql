with

base as (

    select * from {{ ref('base_crm__order_items') }}

),

accepted as (

    select
        order_item_id,
        order_id,
        product_id,
        quantity,
        unit_price,
        raw_row_hash

    from base

    where rejection_reason is null

)

select * from accepted
