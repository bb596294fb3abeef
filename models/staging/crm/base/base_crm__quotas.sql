{#- Every raw quota row, typed, with the reason it is rejected (null when accepted). -#}
{%- set raw_columns = ['rep_id', 'quota_month', 'quota_amount', 'currency', 'updated_at'] -%}
with

source as (

    select * from {{ raw_source('quotas') }}

),

currencies as (

    select * from {{ ref('currencies') }}

),

sales_reps as (

    select * from {{ ref('base_crm__sales_reps') }}

),

typed as (

    select
        {{ clean_text('rep_id') }} as rep_id,
        {{ parse_date('quota_month') }} as quota_month,
        {{ parse_number('quota_amount') }} as quota_amount,
        upper({{ clean_text('currency') }}) as currency_code,
        {{ parse_timestamp('updated_at') }} as updated_at,
        nullif(trim(quota_month), '') as raw_quota_month,
        case
            when {{ clean_text('rep_id') }} is not null or {{ clean_text('quota_month') }} is not null
                then coalesce({{ clean_text('rep_id') }}, '') || '|' || coalesce({{ clean_text('quota_month') }}, '')
        end as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

checked as (

    select
        typed.*,
        case
            when typed.rep_id is null then 'missing_key:rep_id'
            when typed.raw_quota_month is null then 'missing_key:quota_month'
            when typed.quota_month is null then 'invalid_timestamp:quota_month'
            when typed.updated_at is null then 'invalid_timestamp:updated_at'
            when typed.quota_amount is null then 'invalid_number:quota_amount'
            when typed.quota_amount < 0 then 'negative_amount:quota_amount'
            when currencies.currency_code is null then 'unknown_currency:currency'
            when cast({{ dbt.date_trunc('month', 'typed.quota_month') }} as date) != typed.quota_month
                then 'out_of_range:quota_month'
        end as row_issue

    from typed

    left join currencies
        on typed.currency_code = currencies.currency_code

),

deduplicated as (

    {{ deduplicated('checked', ['rep_id', 'quota_month'], 'updated_at desc') }}

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
        rep_id,
        quota_month,
        quota_amount,
        currency_code,
        updated_at,
        {{ rejection_columns('rejection', raw_columns) }}

    from referenced

)

select * from final
