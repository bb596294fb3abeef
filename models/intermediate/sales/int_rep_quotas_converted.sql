{#-
    One row per rep per quota month (an accepted quota), with the quota in the
    reporting currency, converted at the rate of the quota month's first day
    (int_fx_rates_daily: that day's quote or the latest fresh earlier one); null
    when no fresh rate exists on that day. The team is the rep's current team
    ('unassigned' when the rep has none), as for the deals.
-#}
with

quotas as (

    select * from {{ ref('stg_crm__quotas') }}

),

sales_reps as (

    select * from {{ ref('stg_crm__sales_reps') }}

),

fx_rates_daily as (

    select * from {{ ref('int_fx_rates_daily') }}

),

converted as (

    select
        quotas.quota_id,
        quotas.rep_id,
        coalesce(sales_reps.team, 'unassigned') as team,
        quotas.quota_month,
        quotas.currency_code,
        cast(quotas.quota_amount as numeric(18, 2)) as quota_amount,
        fx_rates_daily.rate_to_reporting as fx_rate_to_reporting,
        {{ round_money('quotas.quota_amount * fx_rates_daily.rate_to_reporting') }} as quota_reporting

    from quotas

    left join sales_reps
        on quotas.rep_id = sales_reps.rep_id

    left join fx_rates_daily
        on quotas.currency_code = fx_rates_daily.currency_code
        and quotas.quota_month = fx_rates_daily.rate_date

)

select * from converted
