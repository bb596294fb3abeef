with

base as (

    select * from {{ ref('base_crm__support_tickets') }}

),

accepted as (

    select
        ticket_id,
        customer_id,
        product_id,
        channel,
        priority,
        category,
        ticket_status,
        created_at,
        first_response_at,
        resolved_at,
        is_escalated,
        reopened_count,
        reopened_count > 0 as is_reopened,
        assignee_rep_id,
        updated_at

    from base

    where rejection_reason is null

)

select * from accepted
