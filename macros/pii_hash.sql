{#-
    pii_hash(expression): salted SHA-256 (hex) of a personal value, null stays
    null. The salt comes from the environment variable CRM_PII_SALT; the default
    'crm-warehouse-local-salt' is for local demo use only: set your own in any
    shared deployment. Models downstream of staging carry only this hash.
-#}
{% macro pii_hash(expression) -%}
    {{ return(adapter.dispatch('pii_hash', 'crm_warehouse')(expression)) }}
{%- endmacro %}

{% macro pii_salt() -%}
    '{{ env_var("CRM_PII_SALT", "crm-warehouse-local-salt") | replace("'", "''") }}'
{%- endmacro %}

{% macro default__pii_hash(expression) -%}
    case when {{ expression }} is not null
        then encode(sha256(convert_to({{ pii_salt() }} || {{ expression }}, 'UTF8')), 'hex')
    end
{%- endmacro %}

{% macro duckdb__pii_hash(expression) -%}
    case when {{ expression }} is not null then sha256({{ pii_salt() }} || {{ expression }}) end
{%- endmacro %}

{% macro spark__pii_hash(expression) -%}
    case when {{ expression }} is not null then sha2(concat({{ pii_salt() }}, {{ expression }}), 256) end
{%- endmacro %}
