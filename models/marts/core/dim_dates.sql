{#-
    One row per calendar day. Range: vars date_spine_start / date_spine_end when
    set; otherwise from 1 January of the year of the first order to 31 December
    of the year after the as-of date (room for forecasts and expected close
    dates), or after the latest order when a back-dated as-of date is earlier.
    Weeks are ISO weeks: they start on Monday, day_of_week runs 1 (Monday) to 7 (Sunday).
-#}
{%- set spine_start = var('date_spine_start', none) -%}
{%- set spine_end = var('date_spine_end', none) -%}
{%- if spine_start is not none and spine_start | string | trim != '' -%}
    {%- set start_expression = "cast('" ~ (spine_start | string | trim) ~ "' as date)" -%}
{%- else -%}
    {%- set start_expression = 'cast(' ~ dbt.date_trunc('year', 'first_order.first_order_date') ~ ' as date)' -%}
{%- endif -%}
{%- if spine_end is not none and spine_end | string | trim != '' -%}
    {%- set end_expression = "cast('" ~ (spine_end | string | trim) ~ "' as date)" -%}
{%- else -%}
    {%- set end_expression = 'cast(' ~ dbt.dateadd(
        'day', -1, dbt.dateadd('year', 2, dbt.date_trunc('year', 'range_end.anchor_date'))
    ) ~ ' as date)' -%}
{%- endif -%}
with

orders as (

    select * from {{ ref('stg_crm__orders') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

-- A back-dated as_of_date must not cut off later orders: the range covers the later of the two.
range_end as (

    select
        case
            when latest_event_date > as_of_date then latest_event_date
            else as_of_date
        end as anchor_date

    from as_of

),

first_order as (

    select min(order_date) as first_order_date

    from orders

),

bounds as (

    select
        {{ start_expression }} as start_date,
        {{ end_expression }} as end_date

    from first_order

    cross join range_end

),

spine as (

    {{ date_spine_days('(select start_date from bounds)', '(select end_date from bounds)') | indent(4) }}

),

date_parts as (

    select
        date_day,
        {{ date_part_int('year', 'date_day') }} as year,  -- noqa: RF04
        {{ date_part_int('quarter', 'date_day') }} as quarter,  -- noqa: RF04
        {{ date_part_int('month', 'date_day') }} as month,  -- noqa: RF04
        {{ date_part_int('day', 'date_day') }} as day_of_month,
        {{ date_part_int('isodow', 'date_day') }} as day_of_week,
        cast({{ dbt.date_trunc('year', 'date_day') }} as date) as year_start_date,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start_date,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start_date

    from spine

),

final as (

    select
        cast(date_day as date) as date_day,
        year,  -- noqa: RF04
        quarter,  -- noqa: RF04
        month,  -- noqa: RF04
        day_of_month,
        day_of_week,
        cast(day_of_week in (6, 7) as {{ dbt.type_boolean() }}) as is_weekend,
        year_start_date,
        quarter_start_date,
        month_start_date,
        week_start_date,
        cast(
            cast(year as {{ dbt.type_string() }}) || '-' || lpad(cast(month as {{ dbt.type_string() }}), 2, '0')
            as {{ dbt.type_string() }}
        ) as year_month  -- noqa: RF04

    from date_parts

)

select * from final
