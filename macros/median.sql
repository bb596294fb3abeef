{#- median(expression): the interpolated median as an aggregate, the same on every engine (see percentile). -#}
{% macro median(expression) -%}
    {{ percentile(expression, 0.5) }}
{%- endmacro %}
