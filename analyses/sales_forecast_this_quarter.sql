-- What will close this quarter: per team, won so far plus open and weighted pipeline against quota, and coverage.
-- Compile with `dbt compile -s sales_forecast_this_quarter` and run the SQL in target/compiled.
with

forecast as (

    select * from {{ ref('rpt_pipeline_forecast') }}

),

this_quarter as (

    select
        team,
        is_company_total,
        sum(closed_won_reporting) as closed_won_reporting,
        sum(open_deals_count) as open_deals_count,
        sum(overdue_open_deals_count) as overdue_open_deals_count,
        sum(open_amount_reporting) as open_amount_reporting,
        sum(weighted_amount_reporting) as weighted_amount_reporting,
        sum(quota_reporting) as quota_reporting,
        sum(closed_won_reporting) + sum(weighted_amount_reporting) as expected_bookings_reporting

    from forecast

    where expected_close_quarter = {{ dbt.date_trunc('quarter', 'as_of_date') }}

    group by 1, 2

),

covered as (

    select
        *,
        case
            when quota_reporting - closed_won_reporting > 0
                then
                    cast(open_amount_reporting as double precision)
                    / cast(quota_reporting - closed_won_reporting as double precision)
        end as pipeline_coverage

    from this_quarter

)

select * from covered
order by 2, 1
