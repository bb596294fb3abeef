-- Whom should each rep call first? The top 20 high-risk customers by value at risk, with the reasons and next steps.
with

alerts as (

    select * from {{ ref('rpt_churn_risk_alerts') }}

)

select
    alert_rank,
    customer_id,
    customer_name,
    owner_rep_name,
    value_at_risk_reporting,
    value_at_risk_basis,
    reporting_currency_code,
    churn_risk_reasons,
    suggested_next_steps

from alerts

where alert_rank <= 20
order by alert_rank
