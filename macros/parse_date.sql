{#- parse_date(column): the UTC calendar date of parse_timestamp(column); same formats, null when unparseable. -#}
{% macro parse_date(column) -%}
    cast({{ parse_timestamp(column) }} as date)
{%- endmacro %}
