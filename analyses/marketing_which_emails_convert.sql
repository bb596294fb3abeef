-- Which campaign emails land and convert: delivered, open, click-through, unsubscribe and bounce rates per campaign.
-- Compile with `dbt compile -s marketing_which_emails_convert` and run the SQL in target/compiled.
with

campaign_performance as (

    select * from {{ ref('rpt_campaign_performance') }}

),

emails as (

    select
        campaign_key,
        campaign_name,
        emails_sent,
        delivered_rate,
        open_rate,
        click_through_rate,
        unsubscribe_rate,
        bounce_rate,
        new_customers_last_touch

    from campaign_performance

    where emails_sent > 0

)

select * from emails
order by click_through_rate desc, campaign_key asc
