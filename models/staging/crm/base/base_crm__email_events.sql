{#- Every raw email event row, typed, with the reason it is rejected (null when accepted). -#}
{%- set raw_columns = ['event_id', 'campaign_id', 'customer_id', 'recipient_email', 'event_type', 'event_at'] -%}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='raw_key', on_schema_change='fail') }}
with

source as (

    {{ incremental_raw_rows('email_events', 'event_id', raw_columns) }}

),

categories as (

    select * from {{ ref('stg_lookups__category_synonyms') }}

),

campaigns as (

    select * from {{ ref('base_crm__campaigns') }}

),

customers as (

    select * from {{ ref('base_crm__customers') }}

),

typed as (

    select
        {{ clean_text('event_id') }} as event_id,
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ pii_hash(normalize_email('recipient_email')) }} as recipient_email_hash,
        {{ normalize_label('event_type') }} as event_type_label,
        {{ parse_timestamp('event_at') }} as event_at,
        {{ clean_text('event_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

categorised as (

    {{ categorised('typed', [
        {'label': 'event_type_label', 'domain': 'email_event_type', 'column': 'event_type'},
    ]) }}

),

checked as (

    select
        *,
        case
            when event_id is null then 'missing_key:event_id'
            when event_at is null then 'invalid_timestamp:event_at'
            when event_type is null then 'unknown_category:event_type'
        end as row_issue

    from categorised

),

-- No updated_at: the latest event_at wins, the row fingerprint breaks ties.
deduplicated as (

    {{ deduplicated('checked', ['event_id'], 'event_at desc') }}

),

referenced as (

    select
        deduplicated.*,
        case
            when deduplicated.deduped_issue is not null then deduplicated.deduped_issue
            when campaigns.campaign_id is null then 'orphan_reference:campaign_id'
            when deduplicated.customer_id is not null and customers.customer_id is null
                then 'orphan_reference:customer_id'
        end as rejection

    from deduplicated

    left join campaigns
        on deduplicated.campaign_id = campaigns.campaign_id
        and campaigns.rejection_reason is null

    left join customers
        on deduplicated.customer_id = customers.customer_id
        and customers.rejection_reason is null

),

final as (

    select
        event_id,
        campaign_id,
        customer_id,
        recipient_email_hash,
        event_type,
        event_at,
        {{ rejection_columns('rejection', raw_columns, pii_columns=['recipient_email']) }}

    from referenced

)

select * from final
