-- How much open and weighted pipeline is expected to close in each coming month, company-wide, and how much is overdue.
-- Compile with `dbt compile -s sales_forecast_pipeline_by_month` and run the SQL in target/compiled.
with

forecast as (

    select * from {{ ref('rpt_pipeline_forecast') }}

),

company as (

    select
        expected_close_month,
        open_deals_count,
        overdue_open_deals_count,
        open_amount_reporting,
        weighted_amount_reporting,
        quota_reporting,
        closed_won_reporting,
        pipeline_coverage

    from forecast

    where is_company_total

)

select * from company
order by expected_close_month
