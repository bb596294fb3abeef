-- What does it cost to keep a customer: retention campaign spend per customer retained
-- (active at the start and at the end of the month), month by month.
-- Compile with `dbt compile -s retention_cost_per_retained_customer` and run the SQL in target/compiled.
with

retention_cost as (

    select * from {{ ref('rpt_retention_cost_monthly') }}

),

cost as (

    select
        month_start_date,
        customers_at_start_count,
        retained_customer_count,
        retention_campaign_count,
        retention_spend_reporting,
        retention_cost_per_retained_customer_reporting,
        unconverted_spend_row_count

    from retention_cost

    where retention_spend_reporting > 0

)

select * from cost
order by month_start_date desc
