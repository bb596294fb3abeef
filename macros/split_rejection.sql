{#-
    reason_code(expression) / reason_column(expression): base models first name
    the problem of a row as one text "reason_code:column" (null when the row is
    fine); these split it into the two rejection columns (dbt.split_part, which
    dbt tests on every adapter).
-#}
{% macro reason_code(expression) -%}
    nullif({{ dbt.split_part(expression, "':'", 1) | trim }}, '')
{%- endmacro %}

{% macro reason_column(expression) -%}
    nullif({{ dbt.split_part(expression, "':'", 2) | trim }}, '')
{%- endmacro %}
