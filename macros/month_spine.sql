{#-
    month_spine(first_day, as_of_date): a query returning one row per calendar
    month from the month holding first_day to the month holding as_of_date, each
    measured at its month end: month_start_date, month_end_date (the month's last
    day, or as_of_date in the as-of month), previous_month_end_date (the day
    before month_start_date: where the month starts) and is_partial_month (true
    when as_of_date is before the month's last day). Both arguments are SQL
    expressions (literals or scalar subqueries over the model's own CTEs), as in
    date_spine_days, which this macro builds on. Every monthly model whose months
    end at the as-of date reads its months from here.
-#}
{% macro month_spine(first_day, as_of_date) -%}
    with spine_days as (
        {{ date_spine_days(
            'cast(' ~ dbt.date_trunc('month', first_day) ~ ' as date)',
            as_of_date
        ) | indent(8) }}
    ),

    spine_as_of as (
        select cast({{ as_of_date }} as date) as as_of_date
    ),

    spine_months as (
        select
            date_day as month_start_date,
            cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'date_day')) }} as date) as last_day_of_month
        from spine_days
        where {{ date_part_int('day', 'date_day') }} = 1
    )

    select
        cast(spine_months.month_start_date as date) as month_start_date,
        cast(
            case
                when spine_as_of.as_of_date < spine_months.last_day_of_month then spine_as_of.as_of_date
                else spine_months.last_day_of_month
            end
            as date
        ) as month_end_date,
        cast({{ dbt.dateadd('day', -1, 'spine_months.month_start_date') }} as date) as previous_month_end_date,
        cast(spine_as_of.as_of_date < spine_months.last_day_of_month as {{ dbt.type_boolean() }}) as is_partial_month
    from spine_months
    cross join spine_as_of
{%- endmacro %}
