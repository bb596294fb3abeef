-- Do the reps use the CRM: each active rep's logins, login days, activities and notes over the
-- last four complete weeks, least used first.
-- Compile with `dbt compile -s adoption_who_uses_the_crm` and run the SQL in target/compiled.
with

adoption as (

    select * from {{ ref('rpt_crm_adoption_weekly') }}

),

last_complete_week as (

    select max(week_start_date) as week_start_date

    from adoption

    where is_complete_week

),

last_four_weeks as (

    select
        adoption.rep_id,
        adoption.team,
        sum(adoption.logins) as logins,
        sum(adoption.login_days) as login_days,
        sum(adoption.activities_created) as activities_created,
        sum(adoption.notes_created) as notes_created

    from adoption

    inner join last_complete_week
        on adoption.week_start_date > {{ dbt.dateadd('day', -28, 'last_complete_week.week_start_date') }}
        and adoption.week_start_date <= last_complete_week.week_start_date

    where adoption.is_active

    group by adoption.rep_id, adoption.team

)

select * from last_four_weeks
order by login_days, activities_created
