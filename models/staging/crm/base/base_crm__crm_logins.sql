{#-
    Every raw CRM login row, typed, with the reason it is rejected (null when
    accepted). The export has no update time: among rows with the same login_id
    the latest logged_in_at wins.
-#}
{%- set raw_columns = ['login_id', 'rep_id', 'logged_in_at', 'client'] -%}
with

source as (

    select * from {{ raw_source('crm_logins') }}

),

categories as (

    select * from {{ ref('stg_lookups__category_synonyms') }}

),

sales_reps as (

    select * from {{ ref('base_crm__sales_reps') }}

),

typed as (

    select
        {{ clean_text('login_id') }} as login_id,
        {{ clean_text('rep_id') }} as rep_id,
        {{ parse_timestamp('logged_in_at') }} as logged_in_at,
        {{ normalize_label('client') }} as client_label,
        {{ clean_text('login_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

categorised as (

    {{ categorised('typed', [
        {'label': 'client_label', 'domain': 'login_client', 'column': 'client_type'},
    ]) }}

),

checked as (

    select
        *,
        case
            when login_id is null then 'missing_key:login_id'
            when logged_in_at is null then 'invalid_timestamp:logged_in_at'
            when client_type is null then 'unknown_category:client'
        end as row_issue

    from categorised

),

deduplicated as (

    {{ deduplicated('checked', ['login_id'], 'logged_in_at desc') }}

),

referenced as (

    select
        deduplicated.*,
        case
            when deduplicated.deduped_issue is not null then deduplicated.deduped_issue
            when sales_reps.rep_id is null then 'orphan_reference:rep_id'
        end as rejection

    from deduplicated

    left join sales_reps
        on deduplicated.rep_id = sales_reps.rep_id
        and sales_reps.rejection_reason is null

),

final as (

    select
        login_id,
        rep_id,
        logged_in_at,
        client_type,
        {{ rejection_columns('rejection', raw_columns) }}

    from referenced

)

select * from final
