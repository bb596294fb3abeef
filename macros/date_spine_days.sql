{#-
    date_spine_days(start_date, end_date, max_days=100000): a query returning one
    row per day (column date_day, typed date) from start_date to end_date
    INCLUSIVE. Both arguments are SQL expressions (literals or scalar subqueries
    over the model's own CTEs), so the range comes from the data at run time.
    Why not dbt.date_spine: it sizes its series with a separate query at compile
    time (get_intervals_between), which cannot see the model's CTEs, fails on a
    database where the inputs are not built yet and reads the real tables, not
    the given rows, in unit tests; its end is also exclusive. This macro takes
    dbt.generate_series (tested on every adapter) with a fixed size, max_days
    (about 270 years), and keeps the days up to end_date.
-#}
{% macro date_spine_days(start_date, end_date, max_days=100000) -%}
    with day_numbers as (
        {{ dbt.generate_series(max_days) | indent(8) }}
    ),

    bounds as (
        select
            cast({{ start_date }} as date) as start_date,
            cast({{ end_date }} as date) as end_date
    )

    select cast({{ dbt.dateadd('day', 'day_numbers.generated_number - 1', 'bounds.start_date') }} as date) as date_day
    from day_numbers
    cross join bounds
    where day_numbers.generated_number - 1 <= {{ dbt.datediff('bounds.start_date', 'bounds.end_date', 'day') }}
{%- endmacro %}
