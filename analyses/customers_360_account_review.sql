-- What do I need to know about my accounts before the weekly review? Who they
-- are, how valuable, whether they are slipping or at risk of leaving (and why),
-- how satisfied they are, what they cost to serve, how to reach them and what to
-- offer them next: one customer_360 row each, most valuable first.
with

customers as (

    select * from {{ ref('customer_360') }}

),

my_accounts as (

    select
        customer_id,
        full_name,
        company_name,
        segment,
        cohort_month,
        rfm_segment,
        previous_rfm_segment,
        formula_clv_reporting,
        predicted_clv_reporting,
        probability_alive,
        cost_to_serve_reporting,
        profit_reporting,
        next_best_product_name,
        is_active,
        mrr_reporting,
        churn_risk_band,
        churn_risk_reasons,
        latest_nps_score,
        latest_nps_band,
        open_ticket_count,
        has_repeat_issue,
        preferred_channel

    from customers

    where owner_rep_id = 'RE00001'

)

select * from my_accounts
order by coalesce(predicted_clv_reporting, formula_clv_reporting) desc, customer_id
