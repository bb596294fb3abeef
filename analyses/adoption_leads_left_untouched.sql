-- Which reps leave their leads untouched: in the latest complete week, the share of the rep's
-- leads whose touch window closed that were followed up in time, and the abandoned share of the
-- rep's open leads, worst first.
-- Compile with `dbt compile -s adoption_leads_left_untouched` and run the SQL in target/compiled.
with

adoption as (

    select * from {{ ref('rpt_crm_adoption_weekly') }}

),

last_complete_week as (

    select max(week_start_date) as week_start_date

    from adoption

    where is_complete_week

),

lead_care as (

    select
        adoption.rep_id,
        adoption.team,
        adoption.is_active,
        adoption.open_leads_owned,
        adoption.leads_abandoned,
        adoption.lead_abandonment_rate,
        adoption.leads_touch_window_closed,
        adoption.leads_touched_in_window,
        adoption.touched_in_window_share

    from adoption

    inner join last_complete_week
        on adoption.week_start_date = last_complete_week.week_start_date

    where adoption.open_leads_owned > 0 or adoption.leads_touch_window_closed > 0

)

select * from lead_care
order by lead_abandonment_rate desc, touched_in_window_share asc
