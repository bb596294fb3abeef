-- How did each CRM KPI move: the last twelve complete months of the scoreboard, each with its change from the
-- month before (null when either month has no value; NPS and CES are null under min_survey_responses answers).
-- Compile with `dbt compile -s kpis_scoreboard_month_over_month` and run the SQL in target/compiled.
with

scoreboard as (

    select * from {{ ref('rpt_crm_kpis_monthly') }}

),

complete_months as (

    select *

    from scoreboard

    where not is_partial_month

),

changed as (

    select
        month_start_date,
        nps_score,
        nps_score - lag(nps_score) over (order by month_start_date) as nps_score_change,
        nps_response_count,
        ces_average_effort,
        renewal_rate,
        logo_churn_rate,
        logo_churn_rate - lag(logo_churn_rate) over (order by month_start_date) as logo_churn_rate_change,
        avg_sales_cycle_days,
        avg_sales_cycle_days - lag(avg_sales_cycle_days) over (order by month_start_date) as avg_sales_cycle_days_change,
        retention_cost_per_retained_customer_reporting,
        cac_reporting,
        cac_reporting - lag(cac_reporting) over (order by month_start_date) as cac_reporting_change,
        net_new_revenue_reporting,
        avg_clv_reporting,
        marketing_roi,
        traffic_to_lead_rate,
        row_number() over (order by month_start_date desc) as months_back

    from complete_months

)

select * from changed
where months_back <= 12
order by month_start_date desc
