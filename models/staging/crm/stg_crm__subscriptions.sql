with

base as (

    select * from {{ ref('base_crm__subscriptions') }}

),

accepted as (

    select
        subscription_id,
        customer_id,
        product_id,
        plan,
        mrr,
        currency_code,
        contract_start_date,
        contract_end_date,
        subscription_status,
        renewal_of_subscription_id,
        renewal_of_subscription_id is not null as is_renewal,
        cancelled_at,
        cancel_reason,
        updated_at

    from base

    where rejection_reason is null

)

select * from accepted
