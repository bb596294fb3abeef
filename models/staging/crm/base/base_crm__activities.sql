{#-
    Every raw CRM activity row, typed, with the reason it is rejected (null when
    accepted). The export has no update time: among rows with the same
    activity_id the latest created_at wins.
-#}
{%- set raw_columns = [
    'activity_id', 'activity_type', 'rep_id', 'lead_id', 'customer_id', 'opportunity_id', 'subject',
    'scheduled_at', 'completed_at', 'created_at',
] -%}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='raw_key', on_schema_change='fail') }}
with

source as (

    {{ incremental_raw_rows('activities', 'activity_id', raw_columns) }}

),

categories as (

    select * from {{ ref('stg_lookups__category_synonyms') }}

),

sales_reps as (

    select * from {{ ref('base_crm__sales_reps') }}

),

leads as (

    select * from {{ ref('base_crm__leads') }}

),

customers as (

    select * from {{ ref('base_crm__customers') }}

),

opportunities as (

    select * from {{ ref('base_crm__opportunities') }}

),

typed as (

    select
        {{ clean_text('activity_id') }} as activity_id,
        {{ normalize_label('activity_type') }} as activity_type_label,
        {{ clean_text('rep_id') }} as rep_id,
        {{ clean_text('lead_id') }} as lead_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('opportunity_id') }} as opportunity_id,
        {{ clean_text('subject', mask_pii=true) }} as subject,
        {{ parse_timestamp('scheduled_at') }} as scheduled_at,
        {{ parse_timestamp('completed_at') }} as completed_at,
        {{ parse_timestamp('created_at') }} as created_at,
        nullif(trim(scheduled_at), '') as raw_scheduled_at,
        nullif(trim(completed_at), '') as raw_completed_at,
        {{ clean_text('activity_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

categorised as (

    {{ categorised('typed', [
        {'label': 'activity_type_label', 'domain': 'activity_type', 'column': 'activity_type'},
    ]) }}

),

checked as (

    select
        *,
        case
            when activity_id is null then 'missing_key:activity_id'
            when created_at is null then 'invalid_timestamp:created_at'
            when raw_scheduled_at is not null and scheduled_at is null then 'invalid_timestamp:scheduled_at'
            when raw_completed_at is not null and completed_at is null then 'invalid_timestamp:completed_at'
            when activity_type is null then 'unknown_category:activity_type'
        end as row_issue

    from categorised

),

deduplicated as (

    {{ deduplicated('checked', ['activity_id'], 'created_at desc') }}

),

referenced as (

    select
        deduplicated.*,
        case
            when deduplicated.deduped_issue is not null then deduplicated.deduped_issue
            when sales_reps.rep_id is null then 'orphan_reference:rep_id'
            when deduplicated.lead_id is not null and leads.lead_id is null
                then 'orphan_reference:lead_id'
            when deduplicated.customer_id is not null and customers.customer_id is null
                then 'orphan_reference:customer_id'
            when deduplicated.opportunity_id is not null and opportunities.opportunity_id is null
                then 'orphan_reference:opportunity_id'
            when deduplicated.created_at < customers.created_at
                then 'before_customer_created:created_at'
        end as rejection

    from deduplicated

    left join sales_reps
        on deduplicated.rep_id = sales_reps.rep_id
        and sales_reps.rejection_reason is null

    left join leads
        on deduplicated.lead_id = leads.lead_id
        and leads.rejection_reason is null

    left join customers
        on deduplicated.customer_id = customers.customer_id
        and customers.rejection_reason is null

    left join opportunities
        on deduplicated.opportunity_id = opportunities.opportunity_id
        and opportunities.rejection_reason is null

),

final as (

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
        created_at,
        {{ rejection_columns('rejection', raw_columns) }}

    from referenced

)

select * from final
