{#-
    The cost to serve of support: every accepted support ticket created on or
    before the as-of date, whatever its status (an open ticket is being
    served), costed at var support_ticket_cost (reporting currency) times the
    weight of its priority in var support_ticket_priority_weights, rounded to
    the cent. The export has no handling time (created, first response and
    resolved are elapsed times, not effort), so priority is the cost driver.
-#}
{%- set weights = var('support_ticket_priority_weights') -%}
with

tickets as (

    select * from {{ ref('stg_crm__support_tickets') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

weighted as (

    select
        tickets.ticket_id,
        tickets.customer_id,
        tickets.priority,
        cast(tickets.created_at as date) as created_date,
        case tickets.priority
            {%- for priority, weight in weights.items() %}
                when '{{ priority }}' then {{ weight }}
            {%- endfor %}
        end as priority_cost_weight

    from tickets

    inner join as_of
        on cast(tickets.created_at as date) <= as_of.as_of_date

),

final as (

    select
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(priority as {{ dbt.type_string() }}) as priority,
        cast(created_date as date) as created_date,
        cast(priority_cost_weight as double precision) as priority_cost_weight,
        {{ round_money(var('support_ticket_cost') ~ ' * priority_cost_weight') }} as ticket_cost_reporting

    from weighted

)

select * from final
