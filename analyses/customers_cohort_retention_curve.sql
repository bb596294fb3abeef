-- Which cohorts stay: for each cohort (month of first purchase), the share of its customers
-- active and the revenue retained in each month since, logo and revenue side by side; the
-- as-of month is partial (is_partial_month) and still growing.
-- Compile with `dbt compile -s customers_cohort_retention_curve` and run the SQL in target/compiled.
with

cohort_retention as (

    select * from {{ ref('rpt_cohort_retention') }}

),

curve as (

    select
        cohort_month,
        months_since,
        activity_month,
        is_partial_month,
        cohort_size,
        active_customer_count,
        retention_share,
        net_revenue_reporting,
        revenue_retention_rate

    from cohort_retention

)

select * from curve
order by cohort_month, months_since
