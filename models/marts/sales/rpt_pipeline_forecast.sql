{#-
    One row per expected close month per team, plus one company row per month
    (team 'all', is_company_total), from the first month of the as-of date's
    quarter to the later of the quarter's last month and the last month with an
    open deal or a quota; each team that has an
    open deal or a quota in that range has a row for every month of it.
    Open deals are those open at the as-of date (int_opportunity_month_ends in the
    as-of month: stage from the history, amount at the as-of date's rate, weighted
    with the seed probability), bucketed by the month of their expected close
    date; an overdue deal (expected close before the as-of month) or one without
    an expected close date is forecast in the as-of month and counted as overdue.
    Team: the owner's current team ('unassigned' without one). Quota: the sum of
    the team's reps' quotas of the month (int_rep_quotas_converted); closed won:
    bookings of deals won in that month on or before the as-of date. Coverage =
    open amount / (quota - closed won), null without a quota or when nothing is
    left to cover (quota - closed won <= 0).
-#}
with

month_ends as (

    select * from {{ ref('int_opportunity_month_ends') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

quotas as (

    select * from {{ ref('int_rep_quotas_converted') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

as_of_month as (

    select
        as_of_date,
        cast({{ dbt.date_trunc('month', 'as_of_date') }} as date) as month_start,
        cast({{ dbt.date_trunc('quarter', 'as_of_date') }} as date) as quarter_start

    from as_of

),

open_deals_dated as (

    select
        coalesce(month_ends.owner_team, 'unassigned') as team,
        month_ends.expected_close_date,
        month_ends.amount_reporting,
        month_ends.weighted_amount_reporting,
        as_of_month.month_start as as_of_month_start,
        coalesce(month_ends.expected_close_date < as_of_month.month_start, true) as is_overdue

    from month_ends

    inner join as_of_month
        on month_ends.month_start = as_of_month.month_start

),

open_deals as (

    select
        team,
        case
            when is_overdue then as_of_month_start
            else cast({{ dbt.date_trunc('month', 'expected_close_date') }} as date)
        end as forecast_month,
        case when is_overdue then 1 else 0 end as overdue_deal,
        amount_reporting,
        weighted_amount_reporting

    from open_deals_dated

),

won_deals as (

    select
        coalesce(opportunities.owner_team, 'unassigned') as team,
        cast({{ dbt.date_trunc('month', 'opportunities.actual_close_date') }} as date) as forecast_month,
        opportunities.amount_reporting

    from opportunities

    cross join as_of_month

    where
        opportunities.is_won
        and opportunities.actual_close_date >= as_of_month.quarter_start
        and opportunities.actual_close_date <= as_of_month.as_of_date

),

team_quotas as (

    select
        quotas.team,
        quotas.quota_month as forecast_month,
        sum(quotas.quota_reporting) as quota_reporting

    from quotas

    cross join as_of_month

    where quotas.quota_month >= as_of_month.quarter_start

    group by 1, 2

),

team_months_seen as (

    select
        team,
        forecast_month
    from open_deals

    union all

    select
        team,
        forecast_month
    from won_deals

    union all

    select
        team,
        forecast_month
    from team_quotas

),

-- The spine runs at least to the end of the as-of quarter.
spine_ends as (

    select forecast_month as end_month from team_months_seen

    union all

    select cast({{ dbt.dateadd('month', 2, 'quarter_start') }} as date) as end_month from as_of_month

),

days as (

    {{ date_spine_days(
        '(select max(as_of_month.quarter_start) from as_of_month)',
        '(select max(spine_ends.end_month) from spine_ends)'
    ) | indent(4) }}

),

months as (

    select distinct cast({{ dbt.date_trunc('month', 'days.date_day') }} as date) as forecast_month

    from days

),

teams as (

    select distinct team from team_months_seen

),

open_by_team as (

    select
        team,
        forecast_month,
        count(*) as open_deals_count,
        sum(overdue_deal) as overdue_open_deals_count,
        sum(amount_reporting) as open_amount_reporting,
        sum(weighted_amount_reporting) as weighted_amount_reporting

    from open_deals

    group by 1, 2

),

won_by_team as (

    select
        team,
        forecast_month,
        count(*) as closed_won_count,
        sum(amount_reporting) as closed_won_reporting

    from won_deals

    group by 1, 2

),

team_rows as (

    select
        teams.team,
        false as is_company_total,
        months.forecast_month,
        coalesce(open_by_team.open_deals_count, 0) as open_deals_count,
        coalesce(open_by_team.overdue_open_deals_count, 0) as overdue_open_deals_count,
        coalesce(open_by_team.open_amount_reporting, 0) as open_amount_reporting,
        coalesce(open_by_team.weighted_amount_reporting, 0) as weighted_amount_reporting,
        team_quotas.quota_reporting,
        coalesce(won_by_team.closed_won_count, 0) as closed_won_count,
        coalesce(won_by_team.closed_won_reporting, 0) as closed_won_reporting

    from teams

    cross join months

    left join open_by_team
        on teams.team = open_by_team.team
        and months.forecast_month = open_by_team.forecast_month

    left join won_by_team
        on teams.team = won_by_team.team
        and months.forecast_month = won_by_team.forecast_month

    left join team_quotas
        on teams.team = team_quotas.team
        and months.forecast_month = team_quotas.forecast_month

),

company_rows as (

    select
        'all' as team,
        true as is_company_total,
        forecast_month,
        sum(open_deals_count) as open_deals_count,
        sum(overdue_open_deals_count) as overdue_open_deals_count,
        sum(open_amount_reporting) as open_amount_reporting,
        sum(weighted_amount_reporting) as weighted_amount_reporting,
        sum(quota_reporting) as quota_reporting,
        sum(closed_won_count) as closed_won_count,
        sum(closed_won_reporting) as closed_won_reporting

    from team_rows

    group by 3

),

all_rows as (

    select * from team_rows

    union all

    select * from company_rows

),

measured as (

    select
        all_rows.*,
        all_rows.quota_reporting - all_rows.closed_won_reporting as quota_remaining_reporting,
        case
            when all_rows.quota_reporting - all_rows.closed_won_reporting > 0
                then
                    cast(all_rows.open_amount_reporting as double precision)
                    / cast(all_rows.quota_reporting - all_rows.closed_won_reporting as double precision)
        end as pipeline_coverage,
        as_of_month.as_of_date

    from all_rows

    cross join as_of_month

),

final as (

    select
        {{ surrogate_key(['forecast_month', 'team']) }} as forecast_id,
        cast(forecast_month as date) as expected_close_month,
        cast({{ dbt.date_trunc('quarter', 'forecast_month') }} as date) as expected_close_quarter,
        cast(team as {{ dbt.type_string() }}) as team,
        cast(is_company_total as {{ dbt.type_boolean() }}) as is_company_total,
        cast(as_of_date as date) as as_of_date,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        cast(open_deals_count as {{ dbt.type_int() }}) as open_deals_count,
        cast(overdue_open_deals_count as {{ dbt.type_int() }}) as overdue_open_deals_count,
        cast(open_amount_reporting as numeric(18, 2)) as open_amount_reporting,
        cast(weighted_amount_reporting as numeric(18, 2)) as weighted_amount_reporting,
        cast(quota_reporting as numeric(18, 2)) as quota_reporting,
        cast(closed_won_count as {{ dbt.type_int() }}) as closed_won_count,
        cast(closed_won_reporting as numeric(18, 2)) as closed_won_reporting,
        cast(quota_remaining_reporting as numeric(18, 2)) as quota_remaining_reporting,
        cast(pipeline_coverage as double precision) as pipeline_coverage

    from measured

)

select * from final
