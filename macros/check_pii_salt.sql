{#-
    check_pii_salt(): run on every run start (dbt_project.yml). Fails the run
    with a message saying how to set it when the session holds no salt for
    pii_hash() (DuckDB variable crm_pii_salt, PostgreSQL setting crm.pii_salt),
    before any model hashes anything. Only a true/false leaves the database:
    the salt itself never reaches Jinja, the logs or the artifacts.
-#}
{% macro check_pii_salt() -%}
    {%- if execute -%}
        {%- set probe = adapter.dispatch('pii_salt_is_set', 'crm_warehouse')() -%}
        {%- if probe is not none and not run_query(probe).columns[0].values()[0] -%}
            {{ exceptions.raise_compiler_error(adapter.dispatch('pii_salt_missing_message', 'crm_warehouse')()) }}
        {%- endif -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{#- pii_salt_is_set(): a query returning one boolean, or none where no check exists (dispatched). -#}
{% macro default__pii_salt_is_set() -%}
    select coalesce(current_setting('crm.pii_salt', true), '') <> '' as is_set
{%- endmacro %}

{% macro duckdb__pii_salt_is_set() -%}
    select coalesce(cast(getvariable('crm_pii_salt') as varchar), '') <> '' as is_set
{%- endmacro %}

{% macro spark__pii_salt_is_set() -%}
    {{ return(none) }}
{%- endmacro %}

{% macro default__pii_salt_missing_message() -%}
    The PostgreSQL session setting crm.pii_salt (the salt of the email and phone hashes) is not set.
    Set it for dbt's sessions from CRM_PII_SALT, e.g.
    export PGOPTIONS="-c crm.pii_salt=${CRM_PII_SALT:-crm-warehouse-local-salt}"
    (the default is the public demo salt), or once per database as an administrator:
    alter database <name> set crm.pii_salt = '<secret>'. See README, Configuration.
{%- endmacro %}

{% macro duckdb__pii_salt_missing_message() -%}
    The DuckDB variable crm_pii_salt (the salt of the email and phone hashes) is not set: the dbt
    profile must load the plugin crmwh.pii_session (plugins: - module: crmwh.pii_session, see
    profiles.yml), which sets it from CRM_PII_SALT. See README, Configuration.
{%- endmacro %}
