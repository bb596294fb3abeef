-- Is the churn risk score worth reading? Churn by band for customers scored churn_risk_backtest_days ago.
with

backtest as (

    select * from {{ ref('rpt_churn_risk_backtest') }}

)

select
    churn_risk_band,
    scored_at_date,
    outcome_date,
    customer_count,
    churned_count,
    churn_rate,
    churn_recall,
    lift_over_low

from backtest
order by churn_risk_band_order
