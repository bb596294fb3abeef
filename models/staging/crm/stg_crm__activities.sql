with

base as (

    select * from {{ ref('base_crm__activities') }}

),

accepted as (

    select
        activity_id,
        activity_type,
        rep_id,
        lead_id,
        customer_id,
        opportunity_id,
        subject,
        scheduled_at,
        completed_at,
        completed_at is not null as is_completed,
        created_at

    from base

    where rejection_reason is null

)

select * from accepted
