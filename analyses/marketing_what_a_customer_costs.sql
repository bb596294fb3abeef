-- What does a new customer cost, month by month and per acquisition channel (CAC, net new revenue, ROI)?
-- Compile with `dbt compile -s marketing_what_a_customer_costs` and run the SQL in target/compiled.
with

cac as (

    select * from {{ ref('rpt_cac_monthly') }}

),

costs as (

    select
        month_start_date,
        acquisition_channel,
        marketing_spend_reporting,
        new_customer_count,
        cac_reporting,
        net_new_revenue_reporting,
        marketing_roi,
        avg_clv_new_customers_reporting

    from cac

    where
        marketing_spend_reporting > 0
        or new_customer_count > 0

)

select * from costs
order by month_start_date desc, acquisition_channel asc
