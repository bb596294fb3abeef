{#- Every raw order row, typed, with the reason it is rejected (null when accepted). -#}
{%- set raw_columns = [
    'order_id', 'customer_id', 'ordered_at', 'status', 'channel', 'currency', 'discount_amount', 'sales_rep_id',
    'updated_at',
] -%}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='raw_key', on_schema_change='fail') }}
with

source as (

    {{ incremental_raw_rows('orders', 'order_id', raw_columns) }}

),

categories as (

    select * from {{ ref('stg_lookups__category_synonyms') }}

),

currencies as (

    select * from {{ ref('currencies') }}

),

customers as (

    select * from {{ ref('base_crm__customers') }}

),

sales_reps as (

    select * from {{ ref('base_crm__sales_reps') }}

),

fx_rates as (

    select * from {{ ref('base_crm__fx_rates') }}

),

typed as (

    select
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ parse_timestamp('ordered_at') }} as ordered_at,
        {{ normalize_label('status') }} as status_label,
        {{ normalize_label('channel') }} as channel_label,
        upper({{ clean_text('currency') }}) as currency_code,
        cast(coalesce({{ parse_number('discount_amount') }}, 0) as {{ dbt.type_numeric() }}) as discount_amount,
        {{ clean_text('sales_rep_id') }} as sales_rep_id,
        {{ parse_timestamp('updated_at') }} as updated_at,
        nullif(trim(discount_amount), '') as raw_discount_amount,
        {{ parse_number('discount_amount') }} as parsed_discount_amount,
        {{ clean_text('order_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

categorised as (

    {{ categorised('typed', [
        {'label': 'status_label', 'domain': 'order_status', 'column': 'order_status'},
        {'label': 'channel_label', 'domain': 'order_channel', 'column': 'sales_channel'},
    ]) }}

),

checked as (

    select
        categorised.*,
        case
            when categorised.order_id is null then 'missing_key:order_id'
            when categorised.ordered_at is null then 'invalid_timestamp:ordered_at'
            when categorised.updated_at is null then 'invalid_timestamp:updated_at'
            when categorised.raw_discount_amount is not null and categorised.parsed_discount_amount is null
                then 'invalid_number:discount_amount'
            when categorised.discount_amount < 0 then 'negative_amount:discount_amount'
            when categorised.order_status is null then 'unknown_category:status'
            when categorised.channel_label is not null and categorised.sales_channel is null
                then 'unknown_category:channel'
            when currencies.currency_code is null then 'unknown_currency:currency'
        end as row_issue

    from categorised

    left join currencies
        on categorised.currency_code = currencies.currency_code

),

-- The days an order currency and the reporting currency have a fresh accepted quote (fx_quote_is_fresh:
-- the one definition of the staleness window, also used by int_fx_rates_daily).
order_days as (

    select distinct
        currency_code,
        cast(ordered_at as date) as order_date

    from checked

    where row_issue is null

),

quote_days as (

    select
        currency_code,
        order_date

    from order_days

    union

    select
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as currency_code,
        order_date

    from order_days

),

fresh_quotes as (

    select distinct
        quote_days.order_date,
        quote_days.currency_code

    from quote_days

    inner join fx_rates
        on quote_days.currency_code = fx_rates.currency_code
        and {{ fx_quote_is_fresh('fx_rates.rate_date', 'quote_days.order_date') }}

    where fx_rates.rejection_reason is null

),

deduplicated as (

    {{ deduplicated('checked', ['order_id'], 'updated_at desc') }}

),

referenced as (

    select
        deduplicated.*,
        case
            when deduplicated.deduped_issue is not null then deduplicated.deduped_issue
            when customers.customer_id is null then 'orphan_reference:customer_id'
            when deduplicated.sales_rep_id is not null and sales_reps.rep_id is null
                then 'orphan_reference:sales_rep_id'
            when deduplicated.ordered_at < customers.created_at then 'before_customer_created:ordered_at'
            -- An amount in the reporting currency needs no rate; USD, the base of rate_to_usd, needs no quote.
            when
                deduplicated.currency_code <> '{{ reporting_currency() }}'
                and (
                    (deduplicated.currency_code <> 'USD' and order_quote.currency_code is null)
                    or ('{{ reporting_currency() }}' <> 'USD' and reporting_quote.currency_code is null)
                )
                then 'missing_fx_rate:currency'
        end as rejection

    from deduplicated

    left join customers
        on deduplicated.customer_id = customers.customer_id
        and customers.rejection_reason is null

    left join sales_reps
        on deduplicated.sales_rep_id = sales_reps.rep_id
        and sales_reps.rejection_reason is null

    left join fresh_quotes as order_quote
        on deduplicated.currency_code = order_quote.currency_code
        and cast(deduplicated.ordered_at as date) = order_quote.order_date

    left join fresh_quotes as reporting_quote
        on reporting_quote.currency_code = '{{ reporting_currency() }}'
        and cast(deduplicated.ordered_at as date) = reporting_quote.order_date

),

final as (

    select
        order_id,
        customer_id,
        ordered_at,
        order_status,
        sales_channel,
        currency_code,
        discount_amount,
        sales_rep_id,
        updated_at,
        {{ rejection_columns('rejection', raw_columns) }}

    from referenced

)

select * from final
