-- Who did we lose: logo churn, revenue churn and net revenue retention per month by customer
-- segment, beside the company figure ('all'), for the complete months of the last year.
-- Compile with `dbt compile -s retention_churn_by_segment` and run the SQL in target/compiled.
with

churn as (

    select * from {{ ref('rpt_churn_monthly') }}

),

by_segment as (

    select
        month_start_date,
        breakdown_value as segment,
        customers_at_start_count,
        churned_customer_count,
        logo_churn_rate,
        starting_mrr_reporting,
        revenue_churn_rate,
        gross_revenue_retention_rate,
        net_revenue_retention_rate

    from churn

    where
        breakdown_dimension in ('all', 'segment')
        and not is_partial_month
        and month_start_date >= (
            select {{ dbt.dateadd('month', -12, 'max(churn_months.month_start_date)') }}
            from churn as churn_months
        )

)

select * from by_segment
order by month_start_date desc, segment asc
