with

base as (

    select * from {{ ref('base_crm__email_events') }}

),

accepted as (

    select
        event_id,
        campaign_id,
        customer_id,
        recipient_email_hash,
        event_type,
        event_at

    from base

    where rejection_reason is null

)

select * from accepted
