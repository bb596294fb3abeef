{#- A table, not a view: several models and data tests read it, and as a view each of them recomputed it (issue 14). -#}
{{ config(materialized='table') }}
{#-
    One row per currency per day on which an amount in that currency can be
    converted into the reporting currency, from the first rate or order date in
    the data to the latest of the last rate date, the as-of date and the latest
    event date. A day without a quote carries the latest earlier quote of that
    currency forward while it is fresh (fx_quote_is_fresh: at most var
    fx_rate_max_staleness_days old; weekends, holidays, late publication); a
    day with no fresh quote has no row, so nothing converts on it (and
    base_crm__orders rejects an order in that currency on that day, by the same
    macro).
    Portable forward fill: a running count of quoted rates numbers each run of
    days that share one quote; the quote is the only non-null value of its run.
    USD is the base of rate_to_usd: its rate is 1 on every day the export does
    not quote it. The reporting currency converts into itself at exactly 1 on
    every day of the span, quoted or not, so an export without rates (a
    single-currency CRM) still reports its own money.
-#}
with

fx_rates as (

    select * from {{ ref('stg_crm__fx_rates') }}

),

orders as (

    select * from {{ ref('stg_crm__orders') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

currencies as (

    select distinct currency_code from fx_rates

    union

    select cast('USD' as {{ dbt.type_string() }}) as currency_code

),

span_start as (

    select min(rate_date) as start_date from fx_rates

    union all

    select min(order_date) as start_date from orders

),

span_end as (

    select max(rate_date) as end_date from fx_rates

    union all

    select as_of_date as end_date from as_of

    union all

    select latest_event_date as end_date from as_of

),

spine as (

    {{ date_spine_days(
        '(select min(span_start.start_date) from span_start)',
        '(select max(span_end.end_date) from span_end)'
    ) | indent(4) }}

),

currency_days as (

    select
        spine.date_day as rate_date,
        currencies.currency_code,
        case
            when currencies.currency_code = 'USD' then coalesce(cast(fx_rates.rate_to_usd as double precision), 1.0)
            else cast(fx_rates.rate_to_usd as double precision)
        end as quoted_rate_to_usd

    from spine

    cross join currencies

    left join fx_rates
        on spine.date_day = fx_rates.rate_date
        and currencies.currency_code = fx_rates.currency_code

),

quote_runs as (

    select
        *,
        count(quoted_rate_to_usd) over (
            partition by currency_code
            order by rate_date
            rows between unbounded preceding and current row
        ) as quote_run

    from currency_days

),

forward_filled as (

    select
        rate_date,
        currency_code,
        max(quoted_rate_to_usd) over (partition by currency_code, quote_run) as rate_to_usd,
        max(case when quoted_rate_to_usd is not null then rate_date end) over (
            partition by currency_code, quote_run
        ) as quoted_on_date,
        quoted_rate_to_usd is null as is_forward_filled

    from quote_runs

    where quote_run > 0

),

-- A quote converts only while it is fresh: the window is defined once, in fx_quote_is_fresh.
fresh_rates as (

    select *

    from forward_filled

    where {{ fx_quote_is_fresh('quoted_on_date', 'rate_date') }}

),

-- The reporting currency on every day of the span, with its rate to USD where it has a fresh one.
reporting_days as (

    select
        spine.date_day as rate_date,
        fresh_rates.rate_to_usd,
        fresh_rates.quoted_on_date,
        coalesce(fresh_rates.is_forward_filled, false) as is_forward_filled

    from spine

    left join fresh_rates
        on spine.date_day = fresh_rates.rate_date
        and fresh_rates.currency_code = '{{ reporting_currency() }}'

),

-- Other currencies convert on the days both they and the reporting currency have a fresh rate.
converted as (

    select
        fresh_rates.rate_date,
        fresh_rates.currency_code,
        fresh_rates.rate_to_usd,
        fresh_rates.rate_to_usd / reporting_days.rate_to_usd as rate_to_reporting,
        fresh_rates.quoted_on_date,
        fresh_rates.is_forward_filled

    from fresh_rates

    inner join reporting_days
        on fresh_rates.rate_date = reporting_days.rate_date

    where
        fresh_rates.currency_code <> '{{ reporting_currency() }}'
        and reporting_days.rate_to_usd is not null

    union all

    select
        rate_date,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as currency_code,
        rate_to_usd,
        1.0 as rate_to_reporting,
        quoted_on_date,
        is_forward_filled

    from reporting_days

),

final as (

    select
        currency_code || '|' || cast(rate_date as {{ dbt.type_string() }}) as fx_rate_day_id,
        rate_date,
        currency_code,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        cast(rate_to_usd as double precision) as rate_to_usd,
        cast(rate_to_reporting as double precision) as rate_to_reporting,
        quoted_on_date,
        is_forward_filled

    from converted

)

select * from final
