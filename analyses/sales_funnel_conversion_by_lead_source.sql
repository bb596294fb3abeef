-- Which lead sources convert through the funnel? Per lead source, over every
-- cohort: opportunities reaching each stage, stage-to-stage and cumulative
-- conversion (counts summed over cohorts, then divided; null on a zero denominator).
with

funnel as (

    select * from {{ ref('rpt_funnel_conversion_monthly') }}

),

reached as (

    select
        breakdown_value as lead_source,
        stage_order,
        stage_name,
        sum(reached_count) as reached_count,
        sum(previous_stage_reached_count) as previous_stage_reached_count,
        sum(entered_count) as entered_count

    from funnel

    where breakdown_dimension = 'lead_source'

    group by breakdown_value, stage_order, stage_name

),

converted as (

    select
        lead_source,
        stage_order,
        stage_name,
        reached_count,
        cast(reached_count as double precision)
        / nullif(previous_stage_reached_count, 0) as stage_conversion_rate,
        cast(reached_count as double precision) / nullif(entered_count, 0) as cumulative_conversion_rate

    from reached

)

select * from converted
order by lead_source asc, stage_order asc
