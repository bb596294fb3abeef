{#-
    Every raw web session row, typed, with the reason it is rejected (null when
    accepted). The export has no update time: among rows with the same
    session_id the latest started_at wins.
-#}
{%- set raw_columns = [
    'session_id', 'visitor_id', 'customer_id', 'started_at', 'source', 'medium', 'campaign_id', 'landing_page',
    'pageviews', 'duration_seconds', 'device', 'lead_id',
] -%}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='raw_key', on_schema_change='fail') }}
with

source as (

    {{ incremental_raw_rows('web_sessions', 'session_id', raw_columns) }}

),

categories as (

    select * from {{ ref('stg_lookups__category_synonyms') }}

),

customers as (

    select * from {{ ref('base_crm__customers') }}

),

campaigns as (

    select * from {{ ref('base_crm__campaigns') }}

),

leads as (

    select * from {{ ref('base_crm__leads') }}

),

typed as (

    select
        {{ clean_text('session_id') }} as session_id,
        {{ clean_text('visitor_id') }} as visitor_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ parse_timestamp('started_at') }} as started_at,
        {{ normalize_label('source', mask_pii=true) }} as traffic_source,
        {{ normalize_label('medium', mask_pii=true) }} as traffic_medium,
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_text('landing_page', mask_pii=true) }} as landing_page,
        {{ parse_integer('pageviews') }} as pageviews,
        {{ parse_integer('duration_seconds') }} as duration_seconds,
        {{ normalize_label('device') }} as device_label,
        {{ clean_text('lead_id') }} as lead_id,
        nullif(trim(pageviews), '') as raw_pageviews,
        nullif(trim(duration_seconds), '') as raw_duration_seconds,
        {{ clean_text('session_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

categorised as (

    {{ categorised('typed', [
        {'label': 'device_label', 'domain': 'device', 'column': 'device_type'},
    ]) }}

),

checked as (

    select
        *,
        case
            when session_id is null then 'missing_key:session_id'
            when started_at is null then 'invalid_timestamp:started_at'
            when raw_pageviews is not null and pageviews is null then 'invalid_number:pageviews'
            when raw_duration_seconds is not null and duration_seconds is null then 'invalid_number:duration_seconds'
            when pageviews < 0 then 'negative_amount:pageviews'
            when duration_seconds < 0 then 'negative_amount:duration_seconds'
            when device_label is not null and device_type is null then 'unknown_category:device'
        end as row_issue

    from categorised

),

deduplicated as (

    {{ deduplicated('checked', ['session_id'], 'started_at desc') }}

),

referenced as (

    select
        deduplicated.*,
        case
            when deduplicated.deduped_issue is not null then deduplicated.deduped_issue
            when deduplicated.customer_id is not null and customers.customer_id is null
                then 'orphan_reference:customer_id'
            when deduplicated.campaign_id is not null and campaigns.campaign_id is null
                then 'orphan_reference:campaign_id'
            when deduplicated.lead_id is not null and leads.lead_id is null
                then 'orphan_reference:lead_id'
            when deduplicated.started_at < customers.created_at
                then 'before_customer_created:started_at'
        end as rejection

    from deduplicated

    left join customers
        on deduplicated.customer_id = customers.customer_id
        and customers.rejection_reason is null

    left join campaigns
        on deduplicated.campaign_id = campaigns.campaign_id
        and campaigns.rejection_reason is null

    left join leads
        on deduplicated.lead_id = leads.lead_id
        and leads.rejection_reason is null

),

final as (

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
        lead_id,
        {{ rejection_columns('rejection', raw_columns) }}

    from referenced

)

select * from final
