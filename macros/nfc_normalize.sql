{#- nfc_normalize(expression): Unicode NFC form of a text, so NFD input compares equal to NFC input. -#}
{% macro nfc_normalize(expression) -%}
    {{ return(adapter.dispatch('nfc_normalize', 'crm_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__nfc_normalize(expression) -%}
    normalize({{ expression }}, NFC)
{%- endmacro %}

{% macro duckdb__nfc_normalize(expression) -%}
    nfc_normalize({{ expression }})
{%- endmacro %}
