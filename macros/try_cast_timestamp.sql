{#-
    try_cast_timestamp(expression): cast text already shaped as
    YYYY-MM-DD[ HH:MM:SS[.f]] to a timestamp, or null when the date does not
    exist (2024-02-30). DuckDB has try_cast; PostgreSQL has none, so it calls
    crm_try_timestamp(), created by create_safe_cast_functions() on run start.
-#}
{% macro try_cast_timestamp(expression) -%}
    {{ return(adapter.dispatch('try_cast_timestamp', 'crm_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__try_cast_timestamp(expression) -%}
    {{ target.schema }}.crm_try_timestamp({{ expression }})
{%- endmacro %}

{% macro duckdb__try_cast_timestamp(expression) -%}
    try_cast({{ expression }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro spark__try_cast_timestamp(expression) -%}
    try_cast({{ expression }} as timestamp)
{%- endmacro %}
