{#-
    Does the team use the CRM: each rep's ISO week (Monday to Sunday, UTC dates)
    of logins, activities and notes created, and how the rep's leads are looked
    after. One row per rep and week, from the rep's first week with a login, an
    activity created or an owned lead created, to the as-of week (partial,
    measured at the as-of date), zeros included. Lead columns: the rep's open
    leads at the week's measured_on_date and the abandoned ones among them
    (int_rep_lead_weeks_measured: the sales area's rule), and the leads whose
    lead_abandonment_days window after creation closed in the week, touched
    (a completed activity on or before the window's last day) or not.
-#}
with

logins as (

    select * from {{ ref('stg_crm__crm_logins') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

leads as (

    select * from {{ ref('int_lead_milestones_dated') }}

),

lead_weeks as (

    select * from {{ ref('int_rep_lead_weeks_measured') }}

),

sales_reps as (

    select * from {{ ref('dim_sales_reps') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

login_days as (

    select
        logins.rep_id,
        cast(logins.logged_in_at as date) as login_date

    from logins

    cross join as_of

    where cast(logins.logged_in_at as date) <= as_of.as_of_date

),

activities_created as (

    select
        activities.rep_id,
        cast(activities.created_at as date) as created_date,
        activities.activity_type

    from activities

    cross join as_of

    where
        activities.rep_id is not null
        and cast(activities.created_at as date) <= as_of.as_of_date

),

owned_leads as (

    select
        lead_id,
        owner_rep_id as rep_id,
        created_date,
        cast({{ dbt.dateadd('day', var('lead_abandonment_days'), 'created_date') }} as date) as touch_deadline_date

    from leads

    where owner_rep_id is not null

),

first_follow_ups as (

    select
        activities.lead_id,
        min(cast(activities.completed_at as date)) as first_follow_up_date

    from activities

    cross join as_of

    where
        activities.lead_id is not null
        and cast(activities.completed_at as date) <= as_of.as_of_date

    group by activities.lead_id

),

rep_first_days as (

    select
        rep_id,
        min(first_date) as first_date

    from (
        select
            rep_id,
            login_date as first_date
        from login_days
        union all
        select
            rep_id,
            created_date as first_date
        from activities_created
        union all
        select
            rep_id,
            created_date as first_date
        from owned_leads
    ) as dated

    group by rep_id

),

weeks as (

    {{ week_spine(
        '(select min(first_date) from rep_first_days)',
        '(select as_of_date from as_of)'
    ) | indent(4) }}

),

grid as (

    select
        rep_first_days.rep_id,
        weeks.week_start_date,
        weeks.week_end_date,
        weeks.measured_on_date,
        weeks.is_complete_week

    from rep_first_days

    inner join weeks
        on rep_first_days.first_date <= weeks.week_end_date

),

login_counts as (

    select
        rep_id,
        cast({{ dbt.date_trunc('week', 'login_date') }} as date) as week_start_date,
        count(*) as logins,
        count(distinct login_date) as login_days

    from login_days

    group by rep_id, cast({{ dbt.date_trunc('week', 'login_date') }} as date)

),

activity_counts as (

    select
        rep_id,
        cast({{ dbt.date_trunc('week', 'created_date') }} as date) as week_start_date,
        count(*) as activities_created,
        sum(case when activity_type = 'note' then 1 else 0 end) as notes_created

    from activities_created

    group by rep_id, cast({{ dbt.date_trunc('week', 'created_date') }} as date)

),

open_lead_counts as (

    select
        owner_rep_id as rep_id,
        week_start_date,
        count(*) as open_leads_owned,
        sum(case when is_abandoned then 1 else 0 end) as leads_abandoned

    from lead_weeks

    group by owner_rep_id, week_start_date

),

-- a lead's touch window closes on touch_deadline_date: it counts once, in that day's week
touch_windows as (

    select
        owned_leads.rep_id,
        cast({{ dbt.date_trunc('week', 'owned_leads.touch_deadline_date') }} as date) as week_start_date,
        count(*) as leads_touch_window_closed,
        sum(
            case when first_follow_ups.first_follow_up_date <= owned_leads.touch_deadline_date then 1 else 0 end
        ) as leads_touched_in_window

    from owned_leads

    left join first_follow_ups
        on owned_leads.lead_id = first_follow_ups.lead_id

    cross join as_of

    where owned_leads.touch_deadline_date <= as_of.as_of_date

    group by owned_leads.rep_id, cast({{ dbt.date_trunc('week', 'owned_leads.touch_deadline_date') }} as date)

),

measured as (

    select
        grid.rep_id,
        sales_reps.team,
        sales_reps.is_active,
        grid.week_start_date,
        grid.week_end_date,
        grid.measured_on_date,
        grid.is_complete_week,
        coalesce(login_counts.logins, 0) as logins,
        coalesce(login_counts.login_days, 0) as login_days,
        coalesce(activity_counts.activities_created, 0) as activities_created,
        coalesce(activity_counts.notes_created, 0) as notes_created,
        coalesce(open_lead_counts.open_leads_owned, 0) as open_leads_owned,
        coalesce(open_lead_counts.leads_abandoned, 0) as leads_abandoned,
        coalesce(touch_windows.leads_touch_window_closed, 0) as leads_touch_window_closed,
        coalesce(touch_windows.leads_touched_in_window, 0) as leads_touched_in_window

    from grid

    inner join sales_reps
        on grid.rep_id = sales_reps.rep_id

    left join login_counts
        on grid.rep_id = login_counts.rep_id
        and grid.week_start_date = login_counts.week_start_date

    left join activity_counts
        on grid.rep_id = activity_counts.rep_id
        and grid.week_start_date = activity_counts.week_start_date

    left join open_lead_counts
        on grid.rep_id = open_lead_counts.rep_id
        and grid.week_start_date = open_lead_counts.week_start_date

    left join touch_windows
        on grid.rep_id = touch_windows.rep_id
        and grid.week_start_date = touch_windows.week_start_date

),

final as (

    select
        cast({{ surrogate_key(['rep_id', 'week_start_date']) }} as {{ dbt.type_string() }}) as rep_week_id,
        cast(rep_id as {{ dbt.type_string() }}) as rep_id,
        cast(team as {{ dbt.type_string() }}) as team,
        cast(is_active as {{ dbt.type_boolean() }}) as is_active,
        cast(week_start_date as date) as week_start_date,
        cast(week_end_date as date) as week_end_date,
        cast(measured_on_date as date) as measured_on_date,
        cast(is_complete_week as {{ dbt.type_boolean() }}) as is_complete_week,
        cast(logins as {{ dbt.type_int() }}) as logins,
        cast(login_days as {{ dbt.type_int() }}) as login_days,
        cast(activities_created as {{ dbt.type_int() }}) as activities_created,
        cast(notes_created as {{ dbt.type_int() }}) as notes_created,
        cast(open_leads_owned as {{ dbt.type_int() }}) as open_leads_owned,
        cast(leads_abandoned as {{ dbt.type_int() }}) as leads_abandoned,
        cast(
            case when open_leads_owned > 0 then cast(leads_abandoned as double precision) / open_leads_owned end
            as double precision
        ) as lead_abandonment_rate,
        cast(leads_touch_window_closed as {{ dbt.type_int() }}) as leads_touch_window_closed,
        cast(leads_touched_in_window as {{ dbt.type_int() }}) as leads_touched_in_window,
        cast(
            case
                when leads_touch_window_closed > 0
                    then cast(leads_touched_in_window as double precision) / leads_touch_window_closed
            end as double precision
        ) as touched_in_window_share

    from measured

)

select * from final
