-- Which campaigns pay back: spend, new customers and attributed revenue by first and last touch, CAC and ROI.
-- Compile with `dbt compile -s marketing_campaigns_that_pay_back` and run the SQL in target/compiled.
with

campaign_performance as (

    select * from {{ ref('rpt_campaign_performance') }}

),

paying as (

    select
        campaign_key,
        campaign_name,
        campaign_channel,
        campaign_objective,
        spend_reporting,
        new_customers_first_touch,
        new_customers_last_touch,
        attributed_revenue_first_touch_reporting,
        attributed_revenue_last_touch_reporting,
        cac_first_touch_reporting,
        marketing_roi_first_touch,
        marketing_roi_last_touch

    from campaign_performance

)

select * from paying
order by marketing_roi_first_touch desc nulls last, campaign_key asc
