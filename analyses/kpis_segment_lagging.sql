-- Which customer segment lags on each KPI: per KPI with a segment breakdown (NPS, CES, logo churn, renewal rate),
-- each segment's average over the last six complete months of the scoreboard, ranked from worst to best
-- (lower is worse for NPS and renewal rate, higher is worse for CES effort and churn).
-- Compile with `dbt compile -s kpis_segment_lagging` and run the SQL in target/compiled.
with

by_segment as (

    select * from {{ ref('rpt_crm_kpis_by_segment') }}

),

scoreboard as (

    select * from {{ ref('rpt_crm_kpis_monthly') }}

),

recent_months as (

    select month_start_date

    from (
        select
            month_start_date,
            row_number() over (order by month_start_date desc) as months_back

        from scoreboard

        where not is_partial_month
    ) as numbered

    where months_back <= 6

),

averaged as (

    select
        by_segment.kpi_name,
        by_segment.segment,
        count(by_segment.kpi_value) as months_with_value,
        avg(by_segment.kpi_value) as average_kpi_value

    from by_segment

    inner join recent_months
        on by_segment.month_start_date = recent_months.month_start_date

    group by by_segment.kpi_name, by_segment.segment

),

ranked as (

    select
        *,
        rank() over (
            partition by kpi_name
            order by
                case
                    when kpi_name in ('nps_score', 'renewal_rate') then average_kpi_value
                    else -average_kpi_value
                end asc
        ) as lag_rank

    from averaged

    where average_kpi_value is not null

)

select * from ranked
order by kpi_name asc, lag_rank asc
