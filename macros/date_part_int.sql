{#-
    date_part_int(datepart, expression): a part of a date or timestamp as an
    integer. datepart: year, quarter, month, day, or isodow (ISO day of week,
    1 = Monday .. 7 = Sunday); expression: a SQL date or timestamp expression.
    extract() returns a double on PostgreSQL and a bigint on DuckDB; the cast
    makes it an integer on both. Dispatched, so an engine whose extract() has
    no isodow can override it.
-#}
{% macro date_part_int(datepart, expression) -%}
    {{ return(adapter.dispatch('date_part_int', 'crm_warehouse')(datepart, expression)) }}
{%- endmacro %}

{% macro default__date_part_int(datepart, expression) -%}
    cast(extract({{ datepart }} from {{ expression }}) as {{ dbt.type_int() }})
{%- endmacro %}
