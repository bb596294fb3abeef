{#-
    Ticket volume and service levels per created month, overall and by channel,
    priority, category and product (long layout: breakdown_dimension /
    breakdown_value, as rpt_churn_monthly). Grain: one row per calendar month per
    breakdown value; 'all' has a row for every month of int_service_months_spined,
    the other dimensions a row per value with a ticket created in the month. Every
    figure is over the tickets created in the month, as they stood at the as-of
    date (fct_tickets). Medians and p90 are continuous (linear interpolation,
    macros median / percentile) over the tickets with a response (resolution);
    SLA attainment = met / (met + missed), pending tickets left out; escalation
    and reopen rates over all tickets of the month. A rate or percentile without
    values is null.
-#}
with

tickets as (

    select * from {{ ref('fct_tickets') }}

),

months as (

    select * from {{ ref('int_service_months_spined') }}

),

breakdowns as (

    {% for dimension, column in [
        ('all', "'all'"),
        ('channel', "coalesce(channel, 'unknown')"),
        ('priority', 'priority'),
        ('category', "coalesce(category, 'unknown')"),
        ('product', "coalesce(product_id, 'none')"),
    ] %}
        {% if not loop.first %}union all{% endif %}
        select
            created_month as month_start_date,
            cast('{{ dimension }}' as {{ dbt.type_string() }}) as breakdown_dimension,
            cast({{ column }} as {{ dbt.type_string() }}) as breakdown_value,
            first_response_hours,
            resolution_hours,
            first_response_sla_status,
            resolution_sla_status,
            is_escalated,
            is_reopened,
            is_open

        from tickets
    {% endfor %}

),

aggregated as (

    select
        month_start_date,
        breakdown_dimension,
        breakdown_value,
        count(*) as ticket_count,
        count(first_response_hours) as first_responded_ticket_count,
        {{ median('first_response_hours') }} as median_first_response_hours,
        {{ percentile('first_response_hours', 0.9) }} as p90_first_response_hours,
        count(resolution_hours) as resolved_ticket_count,
        {{ median('resolution_hours') }} as median_resolution_hours,
        {{ percentile('resolution_hours', 0.9) }} as p90_resolution_hours,
        sum(case when is_open then 1 else 0 end) as open_ticket_count,
        sum(case when first_response_sla_status = 'met' then 1 else 0 end) as first_response_sla_met_count,
        sum(case when first_response_sla_status = 'missed' then 1 else 0 end) as first_response_sla_missed_count,
        sum(case when resolution_sla_status = 'met' then 1 else 0 end) as resolution_sla_met_count,
        sum(case when resolution_sla_status = 'missed' then 1 else 0 end) as resolution_sla_missed_count,
        sum(case when is_escalated then 1 else 0 end) as escalated_ticket_count,
        sum(case when is_reopened then 1 else 0 end) as reopened_ticket_count

    from breakdowns

    group by month_start_date, breakdown_dimension, breakdown_value

),

-- every month has its 'all' row, also without a ticket
grid as (

    select
        month_start_date,
        cast('all' as {{ dbt.type_string() }}) as breakdown_dimension,
        cast('all' as {{ dbt.type_string() }}) as breakdown_value

    from months

    union all

    select
        month_start_date,
        breakdown_dimension,
        breakdown_value

    from aggregated

    where breakdown_dimension <> 'all'

),

counted as (

    select
        grid.month_start_date,
        months.month_end_date,
        months.is_partial_month,
        grid.breakdown_dimension,
        grid.breakdown_value,
        coalesce(aggregated.ticket_count, 0) as ticket_count,
        coalesce(aggregated.first_responded_ticket_count, 0) as first_responded_ticket_count,
        aggregated.median_first_response_hours,
        aggregated.p90_first_response_hours,
        coalesce(aggregated.resolved_ticket_count, 0) as resolved_ticket_count,
        aggregated.median_resolution_hours,
        aggregated.p90_resolution_hours,
        coalesce(aggregated.open_ticket_count, 0) as open_ticket_count,
        coalesce(aggregated.first_response_sla_met_count, 0) as first_response_sla_met_count,
        coalesce(aggregated.first_response_sla_missed_count, 0) as first_response_sla_missed_count,
        coalesce(aggregated.resolution_sla_met_count, 0) as resolution_sla_met_count,
        coalesce(aggregated.resolution_sla_missed_count, 0) as resolution_sla_missed_count,
        coalesce(aggregated.escalated_ticket_count, 0) as escalated_ticket_count,
        coalesce(aggregated.reopened_ticket_count, 0) as reopened_ticket_count

    from grid

    inner join months
        on grid.month_start_date = months.month_start_date

    left join aggregated
        on grid.month_start_date = aggregated.month_start_date
        and grid.breakdown_dimension = aggregated.breakdown_dimension
        and grid.breakdown_value = aggregated.breakdown_value

),

final as (

    select
        cast({{ surrogate_key(['month_start_date', 'breakdown_dimension', 'breakdown_value']) }} as {{ dbt.type_string() }})
            as service_month_id,
        cast(month_start_date as date) as month_start_date,
        cast(month_end_date as date) as month_end_date,
        cast(is_partial_month as {{ dbt.type_boolean() }}) as is_partial_month,
        cast(breakdown_dimension as {{ dbt.type_string() }}) as breakdown_dimension,
        cast(breakdown_value as {{ dbt.type_string() }}) as breakdown_value,
        cast(ticket_count as {{ dbt.type_int() }}) as ticket_count,
        cast(first_responded_ticket_count as {{ dbt.type_int() }}) as first_responded_ticket_count,
        cast(median_first_response_hours as double precision) as median_first_response_hours,
        cast(p90_first_response_hours as double precision) as p90_first_response_hours,
        cast(resolved_ticket_count as {{ dbt.type_int() }}) as resolved_ticket_count,
        cast(median_resolution_hours as double precision) as median_resolution_hours,
        cast(p90_resolution_hours as double precision) as p90_resolution_hours,
        cast(open_ticket_count as {{ dbt.type_int() }}) as open_ticket_count,
        cast(first_response_sla_met_count as {{ dbt.type_int() }}) as first_response_sla_met_count,
        cast(first_response_sla_missed_count as {{ dbt.type_int() }}) as first_response_sla_missed_count,
        cast(
            cast(first_response_sla_met_count as double precision)
            / nullif(first_response_sla_met_count + first_response_sla_missed_count, 0)
            as double precision
        ) as first_response_sla_attainment_rate,
        cast(resolution_sla_met_count as {{ dbt.type_int() }}) as resolution_sla_met_count,
        cast(resolution_sla_missed_count as {{ dbt.type_int() }}) as resolution_sla_missed_count,
        cast(
            cast(resolution_sla_met_count as double precision)
            / nullif(resolution_sla_met_count + resolution_sla_missed_count, 0)
            as double precision
        ) as resolution_sla_attainment_rate,
        cast(escalated_ticket_count as {{ dbt.type_int() }}) as escalated_ticket_count,
        cast(
            cast(escalated_ticket_count as double precision) / nullif(ticket_count, 0)
            as double precision
        ) as escalation_rate,
        cast(reopened_ticket_count as {{ dbt.type_int() }}) as reopened_ticket_count,
        cast(
            cast(reopened_ticket_count as double precision) / nullif(ticket_count, 0)
            as double precision
        ) as reopen_rate

    from counted

)

select * from final
