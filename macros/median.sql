{#-
    median(expression): the median of a numeric expression as an aggregate, the
    same answer on every engine: the continuous median (the mean of the two
    middle values when their number is even), nulls ignored, null over no rows.
    DuckDB quantile_cont(x, 0.5), PostgreSQL percentile_cont(0.5) within group
    (order by x), Spark percentile(x, 0.5) (exact, interpolated). Use it like
    any aggregate: `{{ median('days_to_convert') }} as median_days_to_convert`.
-#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'crm_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    quantile_cont({{ expression }}, 0.5)
{%- endmacro %}

{% macro spark__median(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}
