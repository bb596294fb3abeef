-- Is the churn risk score worth reading? Churn by band for customers scored churn_risk_backtest_days ago,
-- for every customer and for contract and purchase-only customers apart (read the contract rows first).
with

backtest as (

    select * from {{ ref('rpt_churn_risk_backtest') }}

)

select
    customer_basis,
    churn_risk_band,
    scored_at_date,
    outcome_date,
    customer_count,
    churned_count,
    churn_rate,
    churn_recall,
    lift_over_low

from backtest
order by customer_basis_order, churn_risk_band_order
