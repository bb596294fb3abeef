{#-
    reporting_currency(): the ISO 4217 code money is reported in, from the var
    reporting_currency (default USD), trimmed and upper-cased. No arguments.
    Returns the bare code (USD), for use inside a SQL string literal: '{{ reporting_currency() }}'.
-#}
{% macro reporting_currency() -%}
    {{ return(var('reporting_currency', 'USD') | string | trim | upper) }}
{%- endmacro %}
