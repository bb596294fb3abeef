-- Which open tickets are past their SLA right now: tickets still unanswered or unresolved at the as-of date
-- whose target has passed, oldest first, with their customer, priority, category and assignee.
-- Compile with `dbt compile -s service_tickets_past_their_sla` and run the SQL in target/compiled.
with

tickets as (

    select * from {{ ref('fct_tickets') }}

),

overdue as (

    select
        ticket_id,
        customer_id,
        assignee_rep_id,
        priority,
        category,
        channel,
        created_at,
        open_hours_at_as_of,
        first_response_target_hours,
        resolution_target_hours,
        first_response_sla_status,
        resolution_sla_status,
        is_escalated

    from tickets

    where
        is_open
        and (first_response_sla_status = 'missed' or resolution_sla_status = 'missed')

)

select * from overdue
order by open_hours_at_as_of desc, ticket_id asc
