with

base as (

    select * from {{ ref('base_crm__orders') }}

),

accepted as (

    select
        order_id,
        customer_id,
        ordered_at,
        cast(ordered_at as date) as order_date,
        order_status,
        order_status not in ('cancelled', 'refunded') as is_revenue_order,
        sales_channel,
        currency_code,
        discount_amount,
        sales_rep_id,
        updated_at,
        raw_row_hash

    from base

    where rejection_reason is null

)

select * from accepted
