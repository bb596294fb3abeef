{{ config(materialized='table') }}
{#-
    Every marketing touch, with the person it belongs to. A table: fct_touchpoints
    and its six data tests read it, which as a view each recomputed (13 s for the
    unique test alone at tier M). Grain: one row per
    touch on or before the as-of date: a web session (not direct traffic:
    traffic_medium 'none' is no marketing touch), an email click, a lead's
    creation (its own lead_source and campaign). A person is the customer when
    one is known, else the lead, else the web visitor (else, for an email
    click without a customer, the recipient's address hash): a session belongs
    to its customer_id, else to the converted customer of its lead_id, else to
    the one customer any session of the same visitor_id resolves to (visitor
    stitching; a visitor resolving to two customers stitches to none); its lead
    is its lead_id, else the visitor's one lead. A lead's creation belongs to
    its converted customer, else to the customer of the visitor whose session
    carried it, else to the lead. Stitching reads every session, direct ones
    included.
-#}
with

web_sessions as (

    select * from {{ ref('stg_crm__web_sessions') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

email_events as (

    select * from {{ ref('stg_crm__email_events') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

sessions_linked as (

    select
        web_sessions.session_id,
        web_sessions.visitor_id,
        web_sessions.lead_id,
        web_sessions.started_at,
        web_sessions.traffic_source,
        web_sessions.traffic_medium,
        web_sessions.campaign_id,
        web_sessions.landing_page,
        coalesce(web_sessions.customer_id, leads.converted_customer_id) as known_customer_id

    from web_sessions

    left join leads
        on web_sessions.lead_id = leads.lead_id

),

visitor_customers as (

    select
        visitor_id,
        min(known_customer_id) as customer_id

    from sessions_linked

    where
        known_customer_id is not null
        and visitor_id is not null

    group by visitor_id

    having count(distinct known_customer_id) = 1

),

visitor_leads as (

    select
        visitor_id,
        min(lead_id) as lead_id

    from sessions_linked

    where
        lead_id is not null
        and visitor_id is not null

    group by visitor_id

    having count(distinct lead_id) = 1

),

sessions_resolved as (

    select
        sessions_linked.*,
        coalesce(sessions_linked.known_customer_id, visitor_customers.customer_id) as customer_id,
        coalesce(sessions_linked.lead_id, visitor_leads.lead_id) as resolved_lead_id

    from sessions_linked

    left join visitor_customers
        on sessions_linked.visitor_id = visitor_customers.visitor_id

    left join visitor_leads
        on sessions_linked.visitor_id = visitor_leads.visitor_id

),

lead_session_customers as (

    select
        lead_id,
        min(customer_id) as customer_id

    from sessions_resolved

    where
        lead_id is not null
        and customer_id is not null

    group by lead_id

    having count(distinct customer_id) = 1

),

session_touches as (

    select
        'web_session' as touch_type,
        1 as touch_type_order,
        session_id as source_record_id,
        customer_id,
        resolved_lead_id as lead_id,
        visitor_id,
        cast(null as {{ dbt.type_string() }}) as recipient_email_hash,
        started_at as touched_at,
        campaign_id,
        traffic_medium as touch_channel,
        traffic_source,
        traffic_medium,
        landing_page,
        cast(null as {{ dbt.type_string() }}) as lead_source

    from sessions_resolved

    where coalesce(traffic_medium, '') != 'none'

),

lead_touches as (

    select
        'lead_created' as touch_type,
        2 as touch_type_order,
        leads.lead_id as source_record_id,
        coalesce(leads.converted_customer_id, lead_session_customers.customer_id) as customer_id,
        leads.lead_id,
        cast(null as {{ dbt.type_string() }}) as visitor_id,
        cast(null as {{ dbt.type_string() }}) as recipient_email_hash,
        leads.created_at as touched_at,
        leads.campaign_id,
        leads.lead_source as touch_channel,
        cast(null as {{ dbt.type_string() }}) as traffic_source,
        cast(null as {{ dbt.type_string() }}) as traffic_medium,
        cast(null as {{ dbt.type_string() }}) as landing_page,
        leads.lead_source

    from leads

    left join lead_session_customers
        on leads.lead_id = lead_session_customers.lead_id

),

email_touches as (

    select
        'email_click' as touch_type,
        3 as touch_type_order,
        event_id as source_record_id,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as lead_id,
        cast(null as {{ dbt.type_string() }}) as visitor_id,
        recipient_email_hash,
        event_at as touched_at,
        campaign_id,
        'email' as touch_channel,
        cast(null as {{ dbt.type_string() }}) as traffic_source,
        cast(null as {{ dbt.type_string() }}) as traffic_medium,
        cast(null as {{ dbt.type_string() }}) as landing_page,
        cast(null as {{ dbt.type_string() }}) as lead_source

    from email_events

    where event_type = 'click'

),

touches as (

    select * from session_touches
    union all
    select * from lead_touches
    union all
    select * from email_touches

),

final as (

    select
        cast({{ surrogate_key(['touches.touch_type', 'touches.source_record_id']) }} as {{ dbt.type_string() }})
            as touchpoint_id,
        cast(touches.touch_type as {{ dbt.type_string() }}) as touch_type,
        cast(touches.touch_type_order as {{ dbt.type_int() }}) as touch_type_order,
        cast(touches.source_record_id as {{ dbt.type_string() }}) as source_record_id,
        cast(
            case
                when touches.customer_id is not null then 'customer'
                when touches.lead_id is not null then 'lead'
                when touches.visitor_id is not null then 'visitor'
                else 'email_recipient'
            end
            as {{ dbt.type_string() }}
        ) as person_type,
        cast(
            coalesce(touches.customer_id, touches.lead_id, touches.visitor_id, touches.recipient_email_hash)
            as {{ dbt.type_string() }}
        ) as person_id,
        cast(touches.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(touches.lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(touches.visitor_id as {{ dbt.type_string() }}) as visitor_id,
        cast(touches.touched_at as {{ dbt.type_timestamp() }}) as touched_at,
        cast(touches.touched_at as date) as touch_date,
        cast(touches.campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(touches.touch_channel as {{ dbt.type_string() }}) as touch_channel,
        cast(touches.traffic_source as {{ dbt.type_string() }}) as traffic_source,
        cast(touches.traffic_medium as {{ dbt.type_string() }}) as traffic_medium,
        cast(touches.landing_page as {{ dbt.type_string() }}) as landing_page,
        cast(touches.lead_source as {{ dbt.type_string() }}) as lead_source

    from touches

    inner join as_of
        on cast(touches.touched_at as date) <= as_of.as_of_date

)

select * from final
