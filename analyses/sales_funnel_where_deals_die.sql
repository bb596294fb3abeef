-- Where do deals die? Per cohort month, the funnel stage fewest deals went on to
-- (largest drop-off, ties to the earliest stage), with its conversion and how
-- many deals entered the cohort.
with

funnel as (

    select * from {{ ref('rpt_funnel_conversion_monthly') }}

),

largest_drop_offs as (

    select
        cohort_month,
        entered_count,
        previous_stage_name,
        stage_name,
        stage_conversion_rate,
        drop_off_rate

    from funnel

    where
        breakdown_dimension = 'all'
        and is_largest_drop_off

)

select * from largest_drop_offs
order by cohort_month asc
