{#-
    create_safe_cast_functions(): run on every run start (dbt_project.yml).
    On PostgreSQL it creates crm_try_timestamp(text) in the target schema, a
    cast that returns null instead of raising on a date that does not exist.
    Other engines have try_cast and need nothing.
-#}
{% macro create_safe_cast_functions() -%}
    {{ return(adapter.dispatch('create_safe_cast_functions', 'crm_warehouse')()) }}
{%- endmacro %}

{% macro default__create_safe_cast_functions() -%}
    select 1
{%- endmacro %}

{% macro postgres__create_safe_cast_functions() -%}
    create schema if not exists {{ target.schema }};
    create or replace function {{ target.schema }}.crm_try_timestamp(value text)
    returns timestamp
    language plpgsql
    immutable
    as $$
    begin
        return value::timestamp;
    exception when others then
        return null;
    end;
    $$;
{%- endmacro %}
