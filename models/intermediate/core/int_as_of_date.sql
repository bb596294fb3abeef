{#-
    The one "as of" day of the warehouse: var as_of_date when set, else the
    latest event date in the data. Every mart that computes "as of" reads this
    model, never the wall clock, so the same data always gives the same numbers.
    Events: one line per (model, date expression) below; add a source by adding a line.
-#}
{%- set event_sources = [
    ('stg_crm__orders', 'order_date'),
] -%}
{%- set as_of_var = var('as_of_date', none) -%}
with

{% for model_name, date_expression in event_sources %}
{{ model_name }} as (

    select * from {{ ref(model_name) }}

),

{% endfor %}
event_dates as (

    {% for model_name, date_expression in event_sources %}
    select cast({{ date_expression }} as date) as event_date
    from {{ model_name }}
    {%- if not loop.last %}
    union all
    {% endif %}
    {%- endfor %}

),

latest_event as (

    select max(event_date) as latest_event_date

    from event_dates

),

final as (

    select
        {%- if as_of_var is not none and as_of_var | string | trim != '' %}
        cast('{{ as_of_var | string | trim }}' as date) as as_of_date,
        cast('var' as {{ dbt.type_string() }}) as as_of_date_source,
        {%- else %}
        latest_event_date as as_of_date,
        cast('latest_event_date' as {{ dbt.type_string() }}) as as_of_date_source,
        {%- endif %}
        latest_event_date

    from latest_event

)

select * from final
