-- Who wins: each rep's bookings, win rates, attainment and ranks in the latest complete month.
-- Compile with `dbt compile -s sales_rep_leaderboard` and run the SQL in target/compiled.
with

rep_months as (

    select * from {{ ref('rpt_sales_rep_performance_monthly') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

latest_complete_month as (

    select max(rep_months.month_start) as month_start

    from rep_months

    cross join as_of

    where rep_months.month_end_date < as_of.as_of_date

),

leaderboard as (

    select
        rep_months.bookings_rank_in_company,
        rep_months.bookings_rank_in_team,
        rep_months.rep_id,
        rep_months.team,
        rep_months.bookings_reporting,
        rep_months.quota_reporting,
        rep_months.quota_attainment,
        rep_months.deals_won_count,
        rep_months.deals_lost_count,
        rep_months.win_rate_by_count,
        rep_months.win_rate_by_amount,
        rep_months.median_won_cycle_days,
        rep_months.weighted_pipeline_reporting,
        rep_months.activities_completed_count

    from rep_months

    inner join latest_complete_month
        on rep_months.month_start = latest_complete_month.month_start

)

select * from leaderboard
order by bookings_rank_in_company, rep_id
