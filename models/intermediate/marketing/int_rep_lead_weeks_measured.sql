{#- A table, not a view: several models and data tests read it, and as a view each of them recomputed it (issue 14). -#}
{{ config(materialized='table') }}
{#-
    Every lead a rep owns, measured at the end of each week it is open: from the
    week of its creation to the week it converts (excluded) or the as-of week.
    The owner is the export's current owner (int_lead_milestones_dated); leads in
    the shared pool (no owner) are left out. The abandonment rule is the sales
    area's (macros lead_last_touch_date and lead_is_abandoned), applied at each
    week's measured_on_date with the follow-ups completed on or before that day.
-#}
with

leads as (

    select * from {{ ref('int_lead_milestones_dated') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

weeks as (

    {{ week_spine(
        '(select min(created_date) from leads)',
        '(select as_of_date from as_of)'
    ) | indent(4) }}

),

owned_leads as (

    select
        lead_id,
        owner_rep_id,
        created_date,
        cast(converted_at as date) as converted_date

    from leads

    where owner_rep_id is not null

),

-- a follow-up is a completed activity on the lead (the sales area's rule), one row per day
follow_up_days as (

    select distinct
        activities.lead_id,
        cast(activities.completed_at as date) as follow_up_date

    from activities

    cross join as_of

    where
        activities.lead_id is not null
        and cast(activities.completed_at as date) <= as_of.as_of_date

),

follow_up_spells as (

    select
        lead_id,
        follow_up_date,
        lead(follow_up_date) over (partition by lead_id order by follow_up_date) as next_follow_up_date

    from follow_up_days

),

open_lead_weeks as (

    select
        owned_leads.lead_id,
        owned_leads.owner_rep_id,
        weeks.week_start_date,
        weeks.measured_on_date,
        owned_leads.created_date

    from owned_leads

    inner join weeks
        on owned_leads.created_date <= weeks.measured_on_date
        and (owned_leads.converted_date is null or owned_leads.converted_date > weeks.measured_on_date)

),

followed_up as (

    select
        open_lead_weeks.*,
        follow_up_spells.follow_up_date as last_follow_up_date

    from open_lead_weeks

    left join follow_up_spells
        on open_lead_weeks.lead_id = follow_up_spells.lead_id
        and open_lead_weeks.measured_on_date >= follow_up_spells.follow_up_date
        and (
            follow_up_spells.next_follow_up_date is null
            or open_lead_weeks.measured_on_date < follow_up_spells.next_follow_up_date
        )

),

touched as (

    select
        *,
        {{ lead_last_touch_date('created_date', 'last_follow_up_date') | indent(8) }} as last_touch_date

    from followed_up

),

final as (

    select
        lead_id,
        owner_rep_id,
        week_start_date,
        measured_on_date,
        created_date,
        last_follow_up_date,
        last_touch_date,
        {{ dbt.datediff('last_touch_date', 'measured_on_date', 'day') }}
            as days_since_last_touch,
        {{ lead_is_abandoned('false', 'last_touch_date', 'measured_on_date') }} as is_abandoned

    from touched

)

select * from final
