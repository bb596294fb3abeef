-- Which landing pages and traffic sources turn web visits into leads, over the last twelve months of data?
-- Compile with `dbt compile -s marketing_pages_that_convert` and run the SQL in target/compiled.
with

web_conversion as (

    select * from {{ ref('rpt_web_conversion_monthly') }}

),

latest as (

    select max(month_start_date) as month_start_date from web_conversion

),

pages as (

    select
        web_conversion.traffic_source,
        web_conversion.traffic_medium,
        web_conversion.landing_page,
        sum(web_conversion.sessions) as sessions,
        sum(web_conversion.leads) as leads,
        cast(sum(web_conversion.leads) as double precision) / sum(web_conversion.sessions) as traffic_to_lead_rate

    from web_conversion

    cross join latest

    where
        web_conversion.traffic_source != 'all'
        and web_conversion.month_start_date > {{ dbt.dateadd('month', -12, 'latest.month_start_date') }}

    group by web_conversion.traffic_source, web_conversion.traffic_medium, web_conversion.landing_page

)

select * from pages
order by traffic_to_lead_rate desc, sessions desc
