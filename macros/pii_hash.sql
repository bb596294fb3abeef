{#-
    pii_hash(expression): salted SHA-256 (hex) of a personal value, null stays
    null: sha256(salt || value). Models downstream of staging carry only this hash.

    The salt is the environment variable CRM_PII_SALT (unset: the public demo
    salt 'crm-warehouse-local-salt'; set your own in any shared deployment). It
    never passes through Jinja: the SQL reads it from the database session, so
    it is in no compiled SQL, artifact or log (see DECISIONLOG.md, "Raw CSV
    damage, PII salt, raw folder paths").
    - DuckDB: the variable crm_pii_salt, set on every connection and cursor by
      the dbt-duckdb plugin crmwh.pii_session (profiles.yml).
    - PostgreSQL: the session setting crm.pii_salt, e.g.
      PGOPTIONS="-c crm.pii_salt=$CRM_PII_SALT" in dbt's environment, or
      `alter database ... set crm.pii_salt = ...` once by an administrator.
    - Spark (not tested): the Spark conf crm.pii_salt through variable
      substitution, `${crm.pii_salt}` (spark.sql.variable.substitute, on by
      default), e.g. --conf crm.pii_salt=... or `set crm.pii_salt=...`.
    A missing or empty session value fails the query (and check_pii_salt()
    fails the run at its start); nothing is ever hashed with an empty salt.
-#}
{% macro pii_hash(expression) -%}
    {{ return(adapter.dispatch('pii_hash', 'crm_warehouse')(expression)) }}
{%- endmacro %}

{#- pii_salt(): the SQL expression that reads the salt from the session (dispatched). -#}
{% macro pii_salt() -%}
    {{ return(adapter.dispatch('pii_salt', 'crm_warehouse')()) }}
{%- endmacro %}

{% macro default__pii_salt() -%}
    {#- without missing_ok: an unset setting raises "unrecognized configuration parameter" -#}
    current_setting('crm.pii_salt')
{%- endmacro %}

{% macro duckdb__pii_salt() -%}
    coalesce(nullif(cast(getvariable('crm_pii_salt') as varchar), ''), error(
        'the DuckDB variable crm_pii_salt is not set: the profile must load the dbt-duckdb plugin crmwh.pii_session'
    ))
{%- endmacro %}

{% macro spark__pii_salt() -%}
    case
        when '${crm.pii_salt}' in ('', concat('$', '{crm.pii_salt}'))
            then raise_error('the Spark conf crm.pii_salt is not set')
        else '${crm.pii_salt}'
    end
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
