with

base as (

    select * from {{ ref('base_crm__loyalty_points') }}

),

accepted as (

    select
        points_txn_id,
        customer_id,
        order_id,
        txn_type,
        points,
        txn_at

    from base

    where rejection_reason is null

)

select * from accepted
