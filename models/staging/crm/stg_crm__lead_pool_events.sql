with

base as (

    select * from {{ ref('base_crm__lead_pool_events') }}

),

accepted as (

    select
        pool_event_id,
        lead_id,
        event_type,
        rep_id,
        event_at,
        event_reason

    from base

    where rejection_reason is null

)

select * from accepted
