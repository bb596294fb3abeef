{#-
    The calendar months of the retention area: one row per month from the month
    of the first activity period (int_customer_activity_periods) to the as-of
    month. Each month is measured at its month end: its last day, or the as-of
    date in the as-of month (partial when the as-of date is not its last day).
    The start of a month is the end of the previous one (previous_month_end_date).
-#}
with

activity_periods as (

    select * from {{ ref('int_customer_activity_periods') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

days as (

    {{ date_spine_days(
        "(select cast(" ~ dbt.date_trunc('month', 'min(activity_periods.period_start_date)') ~ " as date) from activity_periods)",
        '(select as_of.as_of_date from as_of)'
    ) | indent(4) }}

),

months as (

    select
        date_day as month_start_date,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'date_day')) }} as date) as last_day_of_month

    from days

    where {{ date_part_int('day', 'date_day') }} = 1

),

final as (

    select
        cast(months.month_start_date as date) as month_start_date,
        cast(
            case
                when as_of.as_of_date < months.last_day_of_month then as_of.as_of_date
                else months.last_day_of_month
            end
            as date
        ) as month_end_date,
        cast({{ dbt.dateadd('day', -1, 'months.month_start_date') }} as date) as previous_month_end_date,
        cast(as_of.as_of_date < months.last_day_of_month as {{ dbt.type_boolean() }}) as is_partial_month

    from months

    cross join as_of

)

select * from final
