{#-
    The build that produced this warehouse: one row. build_id and built_at come
    from the environment variables CRM_BUILD_ID and CRM_BUILT_AT that the build
    command sets (crmwh.build; env vars, not --vars: a changed --vars makes dbt
    parse the whole project again, a changed env var only the files that read
    it, this one). Without them the vars build_id and built_at are read; a
    plain `dbt build` gets build_id 'adhoc' and a null built_at, so it stays
    deterministic. Quotes are doubled: a value can never break out of its literal.
-#}
{%- set build_id = env_var('CRM_BUILD_ID', '') | trim or var('build_id', 'adhoc') -%}
{%- set build_id = build_id | string | trim | replace("'", "''") -%}
{%- set built_at = env_var('CRM_BUILT_AT', '') | trim or var('built_at', none) -%}
{%- if built_at is none or built_at | string | trim == '' -%}
    {%- set built_at_expression = 'cast(null as ' ~ dbt.type_timestamp() ~ ')' -%}
{%- else -%}
    {%- set built_at_expression = "cast('" ~ (built_at | string | trim | replace("'", "''")) ~ "' as " ~ dbt.type_timestamp() ~ ")" -%}
{%- endif -%}
with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

final as (

    select
        cast('{{ build_id }}' as {{ dbt.type_string() }}) as build_id,
        {{ built_at_expression }} as built_at,
        cast(as_of.as_of_date as date) as as_of_date,
        cast(as_of.as_of_date_source as {{ dbt.type_string() }}) as as_of_date_source,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        cast('{{ dbt_version }}' as {{ dbt.type_string() }}) as dbt_version

    from as_of

)

select * from final
