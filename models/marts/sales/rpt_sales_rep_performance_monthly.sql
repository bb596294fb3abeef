{#-
    One row per sales rep per month, from the rep's first month with a deal
    created (as owner), an activity completed or a quota, to the as-of month.
    Deals are credited to their current owner. Closed deals count in the month
    of their actual close date (on or before the as-of date); bookings are the
    won deals' amount_reporting (converted at the close date's rate, as in
    fct_opportunities). The open pipeline is int_opportunity_month_ends (state at
    the month end, valued at the month end's rate). Activities: completed ones,
    by the month of completed_at, one column per activity type. Quota: converted
    at the rate of the quota month's first day (int_rep_quotas_converted).
    Ranks: standard competition rank (rank()) of bookings, highest first, among
    the reps with a row that month, within the team and within the company; tied
    reps share a rank and the next rank is skipped (1, 1, 3), so no tie-breaker
    is needed and the ranks are the same on every build.
-#}
with

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

month_ends as (

    select * from {{ ref('int_opportunity_month_ends') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

quotas as (

    select * from {{ ref('int_rep_quotas_converted') }}

),

sales_reps as (

    select * from {{ ref('dim_sales_reps') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

as_of_month as (

    select
        as_of_date,
        cast({{ dbt.date_trunc('month', 'as_of_date') }} as date) as month_start

    from as_of

),

completed_activities as (

    select
        activities.rep_id,
        activities.activity_type,
        cast({{ dbt.date_trunc('month', 'activities.completed_at') }} as date) as month_start

    from activities

    cross join as_of_month

    where
        activities.completed_at is not null
        and cast(activities.completed_at as date) <= as_of_month.as_of_date

),

-- Every month in which a rep did something the report counts: the rep's first one starts the spine.
rep_event_months as (

    select
        owner_rep_id as rep_id,
        cohort_month as month_start

    from opportunities

    where owner_rep_id is not null

    union all

    select
        rep_id,
        month_start

    from completed_activities

    union all

    select
        quotas.rep_id,
        quotas.quota_month as month_start

    from quotas

    cross join as_of_month

    where quotas.quota_month <= as_of_month.month_start

),

rep_first_months as (

    select
        rep_id,
        min(month_start) as first_month_start

    from rep_event_months

    group by 1

),

calendar as (

    {{ month_spine(
        '(select min(rep_first_months.first_month_start) from rep_first_months)',
        '(select max(as_of_month.as_of_date) from as_of_month)'
    ) | indent(4) }}

),

months as (

    select
        month_start_date as month_start,
        month_end_date

    from calendar

),

rep_months as (

    select
        sales_reps.rep_id,
        sales_reps.team,
        months.month_start,
        months.month_end_date

    from rep_first_months

    inner join sales_reps
        on rep_first_months.rep_id = sales_reps.rep_id

    inner join months
        on rep_first_months.first_month_start <= months.month_start

),

created as (

    select
        owner_rep_id as rep_id,
        cohort_month as month_start,
        count(*) as deals_created_count,
        sum(amount_reporting) as pipeline_created_reporting

    from opportunities

    where owner_rep_id is not null

    group by 1, 2

),

closed as (

    select
        opportunities.owner_rep_id as rep_id,
        cast({{ dbt.date_trunc('month', 'opportunities.actual_close_date') }} as date) as month_start,
        sum(case when opportunities.is_won then 1 else 0 end) as deals_won_count,
        sum(case when opportunities.is_won then 0 else 1 end) as deals_lost_count,
        sum(case when opportunities.is_won then opportunities.amount_reporting end) as bookings_reporting,
        sum(case when not opportunities.is_won then opportunities.amount_reporting end) as lost_amount_reporting,
        avg(case when opportunities.is_won then opportunities.sales_cycle_days end) as avg_won_cycle_days,
        {{ median('case when opportunities.is_won then opportunities.sales_cycle_days end') }} as median_won_cycle_days

    from opportunities

    cross join as_of_month

    where
        opportunities.is_closed
        and opportunities.owner_rep_id is not null
        and opportunities.actual_close_date <= as_of_month.as_of_date

    group by 1, 2

),

pipeline as (

    select
        owner_rep_id as rep_id,
        month_start,
        count(*) as open_deals_count,
        sum(amount_reporting) as open_pipeline_reporting,
        sum(weighted_amount_reporting) as weighted_pipeline_reporting

    from month_ends

    where owner_rep_id is not null

    group by 1, 2

),

activity_counts as (

    select
        rep_id,
        month_start,
        count(*) as activities_completed_count,
        sum(case when activity_type = 'call' then 1 else 0 end) as calls_completed_count,
        sum(case when activity_type = 'email' then 1 else 0 end) as emails_completed_count,
        sum(case when activity_type = 'meeting' then 1 else 0 end) as meetings_completed_count,
        sum(case when activity_type = 'visit' then 1 else 0 end) as visits_completed_count,
        sum(case when activity_type = 'note' then 1 else 0 end) as notes_completed_count

    from completed_activities

    group by 1, 2

),

joined as (

    select
        rep_months.rep_id,
        rep_months.team,
        rep_months.month_start,
        rep_months.month_end_date,
        coalesce(created.deals_created_count, 0) as deals_created_count,
        coalesce(created.pipeline_created_reporting, 0) as pipeline_created_reporting,
        coalesce(closed.deals_won_count, 0) as deals_won_count,
        coalesce(closed.deals_lost_count, 0) as deals_lost_count,
        coalesce(closed.bookings_reporting, 0) as bookings_reporting,
        coalesce(closed.lost_amount_reporting, 0) as lost_amount_reporting,
        closed.avg_won_cycle_days,
        closed.median_won_cycle_days,
        coalesce(pipeline.open_deals_count, 0) as open_deals_count,
        coalesce(pipeline.open_pipeline_reporting, 0) as open_pipeline_reporting,
        coalesce(pipeline.weighted_pipeline_reporting, 0) as weighted_pipeline_reporting,
        coalesce(activity_counts.activities_completed_count, 0) as activities_completed_count,
        coalesce(activity_counts.calls_completed_count, 0) as calls_completed_count,
        coalesce(activity_counts.emails_completed_count, 0) as emails_completed_count,
        coalesce(activity_counts.meetings_completed_count, 0) as meetings_completed_count,
        coalesce(activity_counts.visits_completed_count, 0) as visits_completed_count,
        coalesce(activity_counts.notes_completed_count, 0) as notes_completed_count,
        quotas.quota_amount,
        quotas.currency_code as quota_currency_code,
        quotas.quota_reporting

    from rep_months

    left join created
        on rep_months.rep_id = created.rep_id
        and rep_months.month_start = created.month_start

    left join closed
        on rep_months.rep_id = closed.rep_id
        and rep_months.month_start = closed.month_start

    left join pipeline
        on rep_months.rep_id = pipeline.rep_id
        and rep_months.month_start = pipeline.month_start

    left join activity_counts
        on rep_months.rep_id = activity_counts.rep_id
        and rep_months.month_start = activity_counts.month_start

    left join quotas
        on rep_months.rep_id = quotas.rep_id
        and rep_months.month_start = quotas.quota_month

),

measured as (

    select
        *,
        case
            when deals_won_count + deals_lost_count > 0
                then cast(deals_won_count as double precision) / (deals_won_count + deals_lost_count)
        end as win_rate_by_count,
        case
            when bookings_reporting + lost_amount_reporting > 0
                then cast(bookings_reporting as double precision) / cast(bookings_reporting + lost_amount_reporting as double precision)
        end as win_rate_by_amount,
        case
            when quota_reporting > 0
                then cast(bookings_reporting as double precision) / cast(quota_reporting as double precision)
        end as quota_attainment,
        rank() over (
            partition by month_start, team
            order by bookings_reporting desc
        ) as bookings_rank_in_team,
        rank() over (
            partition by month_start
            order by bookings_reporting desc
        ) as bookings_rank_in_company

    from joined

),

final as (

    select
        {{ surrogate_key(['rep_id', 'month_start']) }} as rep_month_id,
        cast(rep_id as {{ dbt.type_string() }}) as rep_id,
        cast(team as {{ dbt.type_string() }}) as team,
        cast(month_start as date) as month_start,
        cast(month_end_date as date) as month_end_date,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        cast(deals_created_count as {{ dbt.type_int() }}) as deals_created_count,
        cast(pipeline_created_reporting as numeric(18, 2)) as pipeline_created_reporting,
        cast(deals_won_count as {{ dbt.type_int() }}) as deals_won_count,
        cast(deals_lost_count as {{ dbt.type_int() }}) as deals_lost_count,
        cast(bookings_reporting as numeric(18, 2)) as bookings_reporting,
        cast(lost_amount_reporting as numeric(18, 2)) as lost_amount_reporting,
        cast(win_rate_by_count as double precision) as win_rate_by_count,
        cast(win_rate_by_amount as double precision) as win_rate_by_amount,
        cast(avg_won_cycle_days as double precision) as avg_won_cycle_days,
        cast(median_won_cycle_days as double precision) as median_won_cycle_days,
        cast(open_deals_count as {{ dbt.type_int() }}) as open_deals_count,
        cast(open_pipeline_reporting as numeric(18, 2)) as open_pipeline_reporting,
        cast(weighted_pipeline_reporting as numeric(18, 2)) as weighted_pipeline_reporting,
        cast(activities_completed_count as {{ dbt.type_int() }}) as activities_completed_count,
        cast(calls_completed_count as {{ dbt.type_int() }}) as calls_completed_count,
        cast(emails_completed_count as {{ dbt.type_int() }}) as emails_completed_count,
        cast(meetings_completed_count as {{ dbt.type_int() }}) as meetings_completed_count,
        cast(visits_completed_count as {{ dbt.type_int() }}) as visits_completed_count,
        cast(notes_completed_count as {{ dbt.type_int() }}) as notes_completed_count,
        cast(quota_currency_code as {{ dbt.type_string() }}) as quota_currency_code,
        cast(quota_amount as numeric(18, 2)) as quota_amount,
        cast(quota_reporting as numeric(18, 2)) as quota_reporting,
        cast(quota_attainment as double precision) as quota_attainment,
        cast(bookings_rank_in_team as {{ dbt.type_int() }}) as bookings_rank_in_team,
        cast(bookings_rank_in_company as {{ dbt.type_int() }}) as bookings_rank_in_company

    from measured

)

select * from final
