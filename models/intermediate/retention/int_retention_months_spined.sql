{#-
    The calendar months of the retention area: one row per month from the month
    of the first activity period (int_customer_activity_periods) to the as-of
    month. Each month is measured at its month end: its last day, or the as-of
    date in the as-of month (partial when the as-of date is not its last day).
    The start of a month is the end of the previous one (previous_month_end_date).
    The months come from the macro month_spine, shared with the service area.
-#}
with

activity_periods as (

    select * from {{ ref('int_customer_activity_periods') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

months as (

    {{ month_spine(
        '(select min(activity_periods.period_start_date) from activity_periods)',
        '(select as_of.as_of_date from as_of)'
    ) | indent(4) }}

),

final as (

    select
        month_start_date,
        month_end_date,
        previous_month_end_date,
        is_partial_month

    from months

)

select * from final
