{#- Every raw sales rep row, typed, with the reason it is rejected (null when accepted). -#}
{%- set raw_columns = [
    'rep_id', 'full_name', 'email', 'team', 'manager_rep_id', 'region', 'hire_date', 'status', 'updated_at',
] -%}
with recursive

source as (

    select * from {{ raw_source('sales_reps') }}

),

categories as (

    select * from {{ ref('stg_lookups__category_synonyms') }}

),

typed as (

    select
        {{ clean_text('rep_id') }} as rep_id,
        {{ clean_text('full_name', mask_pii=true) }} as full_name,
        {{ pii_hash(normalize_email('email')) }} as email_hash,
        {{ clean_text('team', mask_pii=true) }} as team,
        {{ clean_text('manager_rep_id') }} as manager_rep_id,
        {{ normalize_label('region') }} as region_label,
        {{ parse_date('hire_date') }} as hire_date,
        {{ normalize_label('status') }} as status_label,
        {{ parse_timestamp('updated_at') }} as updated_at,
        nullif(trim(hire_date), '') as raw_hire_date,
        nullif(trim(updated_at), '') as raw_updated_at,
        {{ clean_text('rep_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

categorised as (

    {{ categorised('typed', [
        {'label': 'region_label', 'domain': 'rep_region', 'column': 'region'},
        {'label': 'status_label', 'domain': 'rep_status', 'column': 'employment_status'},
    ]) }}

),

checked as (

    select
        *,
        case
            when rep_id is null then 'missing_key:rep_id'
            when raw_hire_date is not null and hire_date is null then 'invalid_timestamp:hire_date'
            when updated_at is null then 'invalid_timestamp:updated_at'
            when region is null then 'unknown_category:region'
            when employment_status is null then 'unknown_category:status'
        end as row_issue

    from categorised

),

deduplicated as (

    {{ deduplicated('checked', ['rep_id'], 'updated_at desc') }}

),

-- A manager must be an accepted rep, and so must the manager's manager, up to the top of the
-- hierarchy: walk down from the reps without a manager. A rep the walk does not reach has a missing
-- or rejected manager somewhere above (or sits in a cycle). Accepted ids are unique, so every rep is
-- reached at most once.
sound_hierarchy (rep_id) as (

    select rep_id

    from deduplicated

    where deduped_issue is null and manager_rep_id is null

    union all

    select report.rep_id

    from deduplicated as report

    inner join sound_hierarchy
        on report.manager_rep_id = sound_hierarchy.rep_id

    where report.deduped_issue is null

),

referenced as (

    select
        deduplicated.*,
        case
            when deduplicated.deduped_issue is not null then deduplicated.deduped_issue
            when sound_hierarchy.rep_id is null then 'orphan_reference:manager_rep_id'
        end as rejection

    from deduplicated

    left join sound_hierarchy
        on deduplicated.rep_id = sound_hierarchy.rep_id
        and deduplicated.deduped_issue is null

),

final as (

    select
        rep_id,
        full_name,
        email_hash,
        team,
        manager_rep_id,
        region,
        hire_date,
        employment_status,
        updated_at,
        {{ rejection_columns('rejection', raw_columns, pii_columns=['email']) }}

    from referenced

)

select * from final
