{#-
    parse_number(column, decimals=6): a decimal number written with a dot
    ("1234.50", "-3", "+7.1") with at most `decimals` digits after it, typed
    numeric(28, decimals); else null. The text is checked by pattern before the
    cast, so a bad value never fails the build; callers turn the null into a
    rejection. fx rates use decimals=12 (1 IRR is about 0.0000238 USD).
-#}
{% macro parse_number(column, decimals=6) -%}
    case
        when {{ regex_matches('trim(' ~ column ~ ')', '^[+-]?[0-9]{1,15}([.][0-9]{1,' ~ decimals ~ '})?$') }}
            then cast(trim({{ column }}) as {{ api.Column.numeric_type('numeric', 28, decimals) }})
    end
{%- endmacro %}
