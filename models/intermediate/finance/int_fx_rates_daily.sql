{#-
    One row per currency per day, from the first rate in the data to the latest
    of the last rate, the as-of date and the latest event date, with the last
    known rate carried forward over days that have none (weekends, holidays,
    late publication, orders after the last published rate).
    Portable forward fill: a running count of quoted rates numbers each run of
    days that share one quote; the quote is the only non-null value of its run.
    Days before a currency's first quote have no rate and are left out.
    USD is the base of rate_to_usd: its rate is 1 on every day the export does not quote it.
-#}
with

fx_rates as (

    select * from {{ ref('stg_crm__fx_rates') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

currencies as (

    select distinct currency_code from fx_rates

    union

    select cast('USD' as {{ dbt.type_string() }}) as currency_code

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
        '(select min(rate_date) from fx_rates)',
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

reporting_rates as (

    select
        rate_date,
        rate_to_usd as reporting_rate_to_usd

    from forward_filled

    where currency_code = '{{ reporting_currency() }}'

),

final as (

    select
        forward_filled.currency_code || '|' || cast(forward_filled.rate_date as {{ dbt.type_string() }})
            as fx_rate_day_id,
        forward_filled.rate_date,
        forward_filled.currency_code,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        forward_filled.rate_to_usd,
        forward_filled.rate_to_usd / reporting_rates.reporting_rate_to_usd as rate_to_reporting,
        forward_filled.quoted_on_date,
        forward_filled.is_forward_filled

    from forward_filled

    left join reporting_rates
        on forward_filled.rate_date = reporting_rates.rate_date

)

select * from final
