{#-
    Every raw stage change row, typed, with the reason it is rejected (null when
    accepted). The export has no update time: among rows with the same
    stage_history_id the latest entered_at wins.
-#}
{%- set raw_columns = ['stage_history_id', 'opportunity_id', 'stage', 'entered_at', 'changed_by_rep_id'] -%}
with

source as (

    select * from {{ raw_source('opportunity_stage_history') }}

),

categories as (

    select * from {{ ref('stg_lookups__category_synonyms') }}

),

opportunities as (

    select * from {{ ref('base_crm__opportunities') }}

),

sales_reps as (

    select * from {{ ref('base_crm__sales_reps') }}

),

typed as (

    select
        {{ clean_text('stage_history_id') }} as stage_history_id,
        {{ clean_text('opportunity_id') }} as opportunity_id,
        {{ normalize_label('stage') }} as stage_label,
        {{ parse_timestamp('entered_at') }} as entered_at,
        {{ clean_text('changed_by_rep_id') }} as changed_by_rep_id,
        {{ clean_text('stage_history_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

categorised as (

    {{ categorised('typed', [
        {'label': 'stage_label', 'domain': 'opportunity_stage', 'column': 'stage_name'},
    ]) }}

),

checked as (

    select
        *,
        case
            when stage_history_id is null then 'missing_key:stage_history_id'
            when entered_at is null then 'invalid_timestamp:entered_at'
            when stage_name is null then 'unknown_category:stage'
        end as row_issue

    from categorised

),

deduplicated as (

    {{ deduplicated('checked', ['stage_history_id'], 'entered_at desc') }}

),

referenced as (

    select
        deduplicated.*,
        case
            when deduplicated.deduped_issue is not null then deduplicated.deduped_issue
            when opportunities.opportunity_id is null then 'orphan_reference:opportunity_id'
            when deduplicated.changed_by_rep_id is not null and sales_reps.rep_id is null
                then 'orphan_reference:changed_by_rep_id'
        end as rejection

    from deduplicated

    left join opportunities
        on deduplicated.opportunity_id = opportunities.opportunity_id
        and opportunities.rejection_reason is null

    left join sales_reps
        on deduplicated.changed_by_rep_id = sales_reps.rep_id
        and sales_reps.rejection_reason is null

),

final as (

    select
        stage_history_id,
        opportunity_id,
        stage_name,
        entered_at,
        changed_by_rep_id,
        {{ rejection_columns('rejection', raw_columns) }}

    from referenced

)

select * from final
