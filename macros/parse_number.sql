{#-
    parse_number(column): a decimal number written with a dot ("1234.50",
    "-3", "+7.1"), else null. The text is checked by pattern before the cast, so
    a bad value never fails the build; callers turn the null into a rejection.
-#}
{% macro parse_number(column) -%}
    case
        when {{ regex_matches('trim(' ~ column ~ ')', '^[+-]?[0-9]{1,15}([.][0-9]{1,6})?$') }}
            then cast(trim({{ column }}) as {{ dbt.type_numeric() }})
    end
{%- endmacro %}
