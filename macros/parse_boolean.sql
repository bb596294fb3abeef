{#- parse_boolean(column): true for true/yes/y/1, false for false/no/n/0 (any case, trimmed), else null. -#}
{% macro parse_boolean(column) -%}
    case
        when lower(trim({{ column }})) in ('true', 't', 'yes', 'y', '1') then true
        when lower(trim({{ column }})) in ('false', 'f', 'no', 'n', '0') then false
    end
{%- endmacro %}
