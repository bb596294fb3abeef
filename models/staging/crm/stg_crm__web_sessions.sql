with

base as (

    select * from {{ ref('base_crm__web_sessions') }}

),

accepted as (

    select
        session_id,
        visitor_id,
        customer_id,
        started_at,
        traffic_source,
        traffic_medium,
        campaign_id,
        landing_page,
        pageviews,
        duration_seconds,
        device_type,
        lead_id

    from base

    where rejection_reason is null

)

select * from accepted
