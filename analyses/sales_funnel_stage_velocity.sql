-- How fast do deals move? Median days spent in each open funnel stage, per
-- cohort month, with the number of completed stays behind each median.
with

funnel as (

    select * from {{ ref('rpt_funnel_conversion_monthly') }}

),

velocity as (

    select
        cohort_month,
        stage_order,
        stage_name,
        median_days_in_stage,
        completed_entry_count

    from funnel

    where
        breakdown_dimension = 'all'
        and stage_name <> 'closed_won'

)

select * from velocity
order by cohort_month asc, stage_order asc
