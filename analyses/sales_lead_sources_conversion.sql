-- Which lead sources convert: traffic-to-lead, lead-to-opportunity and lead-to-customer
-- conversion and median days to convert per lead source over the last 12 months to the as-of date.
-- Compile with `dbt compile -s sales_lead_sources_conversion` and run the SQL in target/compiled.
with

lead_conversion as (

    select * from {{ ref('rpt_lead_conversion_monthly') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

last_year as (

    select lead_conversion.*

    from lead_conversion

    cross join as_of

    where lead_conversion.month_start_date > {{ dbt.dateadd('month', -12, 'as_of.as_of_date') }}

),

by_source as (

    select
        lead_source,
        sum(web_sessions) as web_sessions,
        sum(leads_created) as leads_created,
        sum(leads_converted_to_opportunity) as leads_converted_to_opportunity,
        sum(leads_converted_to_customer) as leads_converted_to_customer,
        sum(leads_abandoned) as leads_abandoned

    from last_year

    group by lead_source

),

final as (

    select
        lead_source,
        web_sessions,
        leads_created,
        case when web_sessions > 0 then cast(leads_created as double precision) / web_sessions end
            as traffic_to_lead_rate,
        case when leads_created > 0 then cast(leads_converted_to_opportunity as double precision) / leads_created end
            as opportunity_conversion_rate,
        case when leads_created > 0 then cast(leads_converted_to_customer as double precision) / leads_created end
            as customer_conversion_rate,
        case when leads_created > 0 then cast(leads_abandoned as double precision) / leads_created end
            as abandonment_rate

    from by_source

)

select * from final
order by customer_conversion_rate desc nulls last
