{#-
    Every raw shared-lead-pool event row, typed, with the reason it is rejected
    (null when accepted). The export has no update time: among rows with the
    same pool_event_id the latest event_at wins.
-#}
{%- set raw_columns = ['pool_event_id', 'lead_id', 'event_type', 'rep_id', 'event_at', 'reason'] -%}
with

source as (

    select * from {{ raw_source('lead_pool_events') }}

),

categories as (

    select * from {{ ref('stg_lookups__category_synonyms') }}

),

leads as (

    select * from {{ ref('base_crm__leads') }}

),

sales_reps as (

    select * from {{ ref('base_crm__sales_reps') }}

),

typed as (

    select
        {{ clean_text('pool_event_id') }} as pool_event_id,
        {{ clean_text('lead_id') }} as lead_id,
        {{ normalize_label('event_type') }} as event_type_label,
        {{ clean_text('rep_id') }} as rep_id,
        {{ parse_timestamp('event_at') }} as event_at,
        {{ normalize_label('reason', mask_pii=true) }} as event_reason,
        {{ clean_text('pool_event_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

categorised as (

    {{ categorised('typed', [
        {'label': 'event_type_label', 'domain': 'pool_event_type', 'column': 'event_type'},
    ]) }}

),

checked as (

    select
        *,
        case
            when pool_event_id is null then 'missing_key:pool_event_id'
            when event_at is null then 'invalid_timestamp:event_at'
            when event_type is null then 'unknown_category:event_type'
        end as row_issue

    from categorised

),

deduplicated as (

    {{ deduplicated('checked', ['pool_event_id'], 'event_at desc') }}

),

referenced as (

    select
        deduplicated.*,
        case
            when deduplicated.deduped_issue is not null then deduplicated.deduped_issue
            when leads.lead_id is null then 'orphan_reference:lead_id'
            when deduplicated.rep_id is not null and sales_reps.rep_id is null
                then 'orphan_reference:rep_id'
        end as rejection

    from deduplicated

    left join leads
        on deduplicated.lead_id = leads.lead_id
        and leads.rejection_reason is null

    left join sales_reps
        on deduplicated.rep_id = sales_reps.rep_id
        and sales_reps.rejection_reason is null

),

final as (

    select
        pool_event_id,
        lead_id,
        event_type,
        rep_id,
        event_at,
        event_reason,
        {{ rejection_columns('rejection', raw_columns) }}

    from referenced

)

select * from final
