{#-
    percentile(expression, fraction): the continuous percentile of a numeric
    expression as an aggregate (linear interpolation between the two nearest
    values, nulls ignored), the same number on every engine: DuckDB
    quantile_cont, PostgreSQL and Spark percentile_cont ... within group.
    median(expression) is percentile(expression, 0.5).
-#}
{% macro percentile(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile', 'crm_warehouse')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__percentile(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}
