{#-
    week_spine(first_day, as_of_date): a query returning one row per ISO week
    (Monday to Sunday, UTC dates) from the week holding first_day to the week
    holding as_of_date, each measured at its week end: week_start_date (the
    Monday), week_end_date (the Sunday), measured_on_date (week_end_date, or
    as_of_date in the as-of week) and is_complete_week (true when week_end_date
    is on or before as_of_date). Both arguments are SQL expressions (literals or
    scalar subqueries over the model's own CTEs), as in date_spine_days, which
    this macro builds on. The one week calendar: rpt_lead_pool_weekly,
    int_rep_lead_weeks_measured and rpt_crm_adoption_weekly read their weeks from it.
-#}
{% macro week_spine(first_day, as_of_date) -%}
    with spine_days as (
        {{ date_spine_days(first_day, as_of_date) | indent(8) }}
    ),

    spine_as_of as (
        select cast({{ as_of_date }} as date) as as_of_date
    ),

    spine_weeks as (
        select distinct cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start_date
        from spine_days
    )

    select
        cast(spine_weeks.week_start_date as date) as week_start_date,
        cast({{ dbt.dateadd('day', 6, 'spine_weeks.week_start_date') }} as date) as week_end_date,
        cast(
            case
                when cast({{ dbt.dateadd('day', 6, 'spine_weeks.week_start_date') }} as date) <= spine_as_of.as_of_date
                    then cast({{ dbt.dateadd('day', 6, 'spine_weeks.week_start_date') }} as date)
                else spine_as_of.as_of_date
            end
            as date
        ) as measured_on_date,
        cast(
            cast({{ dbt.dateadd('day', 6, 'spine_weeks.week_start_date') }} as date) <= spine_as_of.as_of_date
            as {{ dbt.type_boolean() }}
        ) as is_complete_week
    from spine_weeks
    cross join spine_as_of
{%- endmacro %}
