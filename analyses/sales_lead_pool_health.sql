-- How is the shared lead pool doing: pool size, flows, time in the pool, and conversion of
-- leads claimed from the pool against leads never pooled, over the last 12 complete weeks.
-- Compile with `dbt compile -s sales_lead_pool_health` and run the SQL in target/compiled.
with

pool_weekly as (

    select * from {{ ref('rpt_lead_pool_weekly') }}

),

recent_weeks as (

    select
        week_start_date,
        pool_size_at_week_end,
        frozen_at_week_end,
        median_days_in_pool,
        releases,
        claims,
        reclaims,
        claimed_conversion_rate,
        never_pooled_conversion_rate,
        row_number() over (order by week_start_date desc) as weeks_back

    from pool_weekly

    where is_complete_week

)

select * from recent_weeks
where weeks_back <= 12
order by week_start_date
