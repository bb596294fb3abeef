{#- parse_integer(column): a whole number of at most 9 digits with an optional sign, else null. -#}
{% macro parse_integer(column) -%}
    case
        when {{ regex_matches('trim(' ~ column ~ ')', '^[+-]?[0-9]{1,9}$') }}
            then cast(trim({{ column }}) as {{ dbt.type_int() }})
    end
{%- endmacro %}
