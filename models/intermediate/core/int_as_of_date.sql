{#- A table, not a view: several models and data tests read it, and as a view each of them recomputed it (issue 14). -#}
{{ config(materialized='table') }}
{#-
    The one "as of" day of the warehouse: var as_of_date when set, else the
    latest event date in the data. Every mart that computes "as of" reads this
    model, never the wall clock, so the same data always gives the same numbers.
    Events: one line per (model, date expression) below; add a source by adding a line.
-#}
{%- set event_sources = [
    ('stg_crm__orders', 'order_date'),
    ('stg_crm__web_sessions', 'started_at'),
    ('stg_crm__opportunities', 'created_at'),
    ('stg_crm__support_tickets', 'created_at'),
    ('stg_crm__activities', 'created_at'),
] -%}
{%- set as_of_var = var('as_of_date', none) -%}
{%- if as_of_var is not none and as_of_var | string | trim != '' -%}
    {%- set as_of_expression = "cast('" ~ (as_of_var | string | trim) ~ "' as date)" -%}
    {%- set as_of_source = 'var' -%}
{%- else -%}
    {%- set as_of_expression = 'latest_event_date' -%}
    {%- set as_of_source = 'latest_event_date' -%}
{%- endif -%}
with

event_dates as (

    {% for model_name, date_expression in event_sources %}
        {% if not loop.first %}union all{% endif %}
        select cast({{ date_expression }} as date) as event_date
        from {{ ref(model_name) }}
    {% endfor %}

),

latest_event as (

    select max(event_date) as latest_event_date

    from event_dates

),

final as (

    select
        {{ as_of_expression }} as as_of_date,
        cast('{{ as_of_source }}' as {{ dbt.type_string() }}) as as_of_date_source,
        latest_event_date

    from latest_event

)

select * from final
