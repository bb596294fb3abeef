-- Is CRM use rising or falling: per team and week, logins per rep, activities per rep and the
-- team's abandoned share of open leads (complete weeks only).
-- Compile with `dbt compile -s adoption_team_trend` and run the SQL in target/compiled.
with

adoption as (

    select * from {{ ref('rpt_crm_adoption_weekly') }}

),

team_weeks as (

    select
        team,
        week_start_date,
        count(*) as reps,
        cast(sum(logins) as double precision) / count(*) as logins_per_rep,
        cast(sum(activities_created) as double precision) / count(*) as activities_per_rep,
        case
            when sum(open_leads_owned) > 0
                then cast(sum(leads_abandoned) as double precision) / sum(open_leads_owned)
        end as lead_abandonment_rate

    from adoption

    where is_complete_week and is_active

    group by team, week_start_date

)

select * from team_weeks
order by team, week_start_date
