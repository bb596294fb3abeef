-- How each team's win rate, bookings and activity volume moved month by month.
-- Compile with `dbt compile -s sales_rep_win_rate_trend` and run the SQL in target/compiled.
with

rep_months as (

    select * from {{ ref('rpt_sales_rep_performance_monthly') }}

),

team_months as (

    select
        team,
        month_start,
        sum(deals_won_count) as deals_won_count,
        sum(deals_lost_count) as deals_lost_count,
        sum(bookings_reporting) as bookings_reporting,
        sum(activities_completed_count) as activities_completed_count,
        case
            when sum(deals_won_count + deals_lost_count) > 0
                then
                    cast(sum(deals_won_count) as double precision)
                    / sum(deals_won_count + deals_lost_count)
        end as win_rate_by_count

    from rep_months

    group by 1, 2

)

select * from team_months
order by 1, 2
