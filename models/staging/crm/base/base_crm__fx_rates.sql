{#-
    Every raw fx rate row, typed, with the reason it is rejected (null when
    accepted). The export has no update time: two rows for the same currency and
    day are true duplicates, and the row fingerprint decides which one is kept.
-#}
{%- set raw_columns = ['rate_date', 'currency', 'rate_to_usd'] -%}
with

source as (

    select * from {{ raw_source('fx_rates') }}

),

currencies as (

    select * from {{ ref('currencies') }}

),

typed as (

    select
        {{ parse_date('rate_date') }} as rate_date,
        upper({{ clean_text('currency') }}) as currency_code,
        {{ parse_number('rate_to_usd', decimals=12) }} as rate_to_usd,
        nullif(trim(rate_date), '') as raw_rate_date,
        case
            when {{ clean_text('currency') }} is not null or {{ clean_text('rate_date') }} is not null
                then coalesce({{ clean_text('currency') }}, '') || '|' || coalesce({{ clean_text('rate_date') }}, '')
        end as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

checked as (

    select
        typed.*,
        case
            when typed.currency_code is null then 'missing_key:currency'
            when typed.raw_rate_date is null then 'missing_key:rate_date'
            when typed.rate_date is null then 'invalid_timestamp:rate_date'
            when typed.rate_to_usd is null then 'invalid_number:rate_to_usd'
            when typed.rate_to_usd < 0 then 'negative_amount:rate_to_usd'
            when currencies.currency_code is null then 'unknown_currency:currency'
            when typed.rate_to_usd = 0 then 'out_of_range:rate_to_usd'
        end as row_issue

    from typed

    left join currencies
        on typed.currency_code = currencies.currency_code

),

-- No updated_at: the key's own day is the only ordering, so the fingerprint breaks the tie.
deduplicated as (

    {{ deduplicated('checked', ['currency_code', 'rate_date'], 'rate_date desc', reported_column='currency') }}

),

final as (

    select
        rate_date,
        currency_code,
        rate_to_usd,
        {{ rejection_columns('deduped_issue', raw_columns) }}

    from deduplicated

)

select * from final
