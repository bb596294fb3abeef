{#-
    The build that produced this warehouse: one row. build_id and built_at come
    from the vars the build command passes (crmwh.build); a plain `dbt build`
    gets build_id 'adhoc' and a null built_at, so it stays deterministic.
    Quotes in the vars are doubled: a var can never break out of its literal.
-#}
{%- set build_id = var('build_id', 'adhoc') | string | trim | replace("'", "''") -%}
{%- set built_at = var('built_at', none) -%}
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
