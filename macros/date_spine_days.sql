{#-
    date_spine_days(start_date, end_date): a query returning one row per day
    (column date_day) from start_date to end_date inclusive. Both arguments are
    SQL expressions (literals or scalar subqueries), so the range can come from
    the data at run time. Built from a cross join of digits: up to 100,000 days.
-#}
{% macro date_spine_days(start_date, end_date) -%}
    with digits as (
        select 0 as digit union all select 1 union all select 2 union all select 3 union all select 4
        union all select 5 union all select 6 union all select 7 union all select 8 union all select 9
    ),

    day_numbers as (
        select
            ones.digit
            + 10 * tens.digit
            + 100 * hundreds.digit
            + 1000 * thousands.digit
            + 10000 * ten_thousands.digit as day_number
        from digits as ones
        cross join digits as tens
        cross join digits as hundreds
        cross join digits as thousands
        cross join digits as ten_thousands
    ),

    bounds as (
        select
            cast({{ start_date }} as date) as start_date,
            cast({{ end_date }} as date) as end_date
    )

    select cast({{ dbt.dateadd('day', 'day_numbers.day_number', 'bounds.start_date') }} as date) as date_day
    from day_numbers
    cross join bounds
    where day_numbers.day_number <= {{ dbt.datediff('bounds.start_date', 'bounds.end_date', 'day') }}
{%- endmacro %}
