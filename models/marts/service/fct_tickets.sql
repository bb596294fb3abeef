{#-
    One row per accepted support ticket (stg_crm__support_tickets) created on or
    before the as-of date (the rule of fct_customer_months), as it stood at the end
    of the as-of day (as_of_end_at = as-of date + 1 day, 00:00): a response or
    resolution recorded later has not happened yet. Times are wall-clock hours
    from created_at (whole seconds / 3600, double). An SLA is met when the hours
    are at most the priority's target (seed sla_targets); a ticket without a
    response (resolution) is 'missed' once the hours from its creation to the
    as-of end exceed the target, else 'pending' (neither met nor missed).
    A repeat issue: the same customer's previous ticket on the same product (both
    none counts as the same) and category was created at most var
    repeat_issue_days calendar days before. The linked survey response is the
    earliest (responded_at, then response_id) answer naming the ticket, on or
    before the as-of date, with its normalised score and band
    (int_survey_responses_normalised). Escalation and reopen flags are as exported.
-#}
with

support_tickets as (

    select * from {{ ref('stg_crm__support_tickets') }}

),

survey_responses as (

    select * from {{ ref('int_survey_responses_normalised') }}

),

sla_targets as (

    select * from {{ ref('sla_targets') }}

),

as_of as (

    select
        as_of_date,
        cast({{ dbt.dateadd('day', 1, 'as_of_date') }} as {{ dbt.type_timestamp() }}) as as_of_end_at

    from {{ ref('int_as_of_date') }}

),

tickets_at_as_of as (

    select
        support_tickets.ticket_id,
        support_tickets.customer_id,
        support_tickets.product_id,
        support_tickets.assignee_rep_id,
        support_tickets.channel,
        support_tickets.priority,
        support_tickets.category,
        support_tickets.ticket_status,
        support_tickets.created_at,
        case
            when support_tickets.first_response_at < as_of.as_of_end_at then support_tickets.first_response_at
        end as first_response_at,
        case
            when support_tickets.resolved_at < as_of.as_of_end_at then support_tickets.resolved_at
        end as resolved_at,
        support_tickets.is_escalated,
        support_tickets.is_reopened,
        support_tickets.reopened_count,
        as_of.as_of_date,
        as_of.as_of_end_at

    from support_tickets

    inner join as_of
        on cast(support_tickets.created_at as date) <= as_of.as_of_date

),

measured as (

    select
        *,
        cast(
            {{ dbt.datediff('created_at', 'first_response_at', 'second') }}
            as double precision
        ) / 3600 as first_response_hours,
        cast(
            {{ dbt.datediff('created_at', 'resolved_at', 'second') }}
            as double precision
        ) / 3600 as resolution_hours,
        cast(
            {{ dbt.datediff('created_at', 'as_of_end_at', 'second') }}
            as double precision
        ) / 3600 as hours_to_as_of_end,
        lag(ticket_id) over (
            partition by customer_id, product_id, category
            order by created_at, ticket_id
        ) as previous_issue_ticket_id,
        lag(created_at) over (
            partition by customer_id, product_id, category
            order by created_at, ticket_id
        ) as previous_issue_created_at

    from tickets_at_as_of

),

linked_responses as (

    select
        survey_responses.ticket_id,
        survey_responses.response_id,
        survey_responses.survey_type,
        survey_responses.score,
        survey_responses.normalised_score,
        survey_responses.response_band,
        count(*) over (partition by survey_responses.ticket_id) as linked_response_count,
        row_number() over (
            partition by survey_responses.ticket_id
            order by survey_responses.responded_at, survey_responses.response_id
        ) as response_order

    from survey_responses

    inner join as_of
        on cast(survey_responses.responded_at as date) <= as_of.as_of_date

    where survey_responses.ticket_id is not null

),

targeted as (

    select
        measured.*,
        sla_targets.first_response_target_hours,
        sla_targets.resolution_target_hours,
        case
            when measured.first_response_hours is not null
                then case
                    when measured.first_response_hours <= sla_targets.first_response_target_hours then 'met'
                    else 'missed'
                end
            when measured.hours_to_as_of_end > sla_targets.first_response_target_hours then 'missed'
            else 'pending'
        end as first_response_sla_status,
        case
            when measured.resolution_hours is not null
                then case
                    when measured.resolution_hours <= sla_targets.resolution_target_hours then 'met'
                    else 'missed'
                end
            when measured.hours_to_as_of_end > sla_targets.resolution_target_hours then 'missed'
            else 'pending'
        end as resolution_sla_status,
        {{ dbt.datediff('cast(measured.previous_issue_created_at as date)', 'cast(measured.created_at as date)', 'day') }}
            as days_since_previous_issue,
        linked_responses.response_id as survey_response_id,
        linked_responses.survey_type,
        linked_responses.score as survey_score,
        linked_responses.normalised_score as survey_normalised_score,
        linked_responses.response_band as survey_response_band,
        coalesce(linked_responses.linked_response_count, 0) as linked_survey_response_count

    from measured

    left join sla_targets
        on measured.priority = sla_targets.priority

    left join linked_responses
        on measured.ticket_id = linked_responses.ticket_id
        and linked_responses.response_order = 1

),

final as (

    select
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(assignee_rep_id as {{ dbt.type_string() }}) as assignee_rep_id,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(priority as {{ dbt.type_string() }}) as priority,
        cast(category as {{ dbt.type_string() }}) as category,
        cast(ticket_status as {{ dbt.type_string() }}) as ticket_status,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(created_at as date) as created_date,
        cast({{ dbt.date_trunc('month', 'cast(created_at as date)') }} as date) as created_month,
        cast(first_response_at as {{ dbt.type_timestamp() }}) as first_response_at,
        cast(resolved_at as {{ dbt.type_timestamp() }}) as resolved_at,
        cast(first_response_hours as double precision) as first_response_hours,
        cast(resolution_hours as double precision) as resolution_hours,
        cast(resolved_at is null as {{ dbt.type_boolean() }}) as is_open,
        cast(case when resolved_at is null then hours_to_as_of_end end as double precision) as open_hours_at_as_of,
        cast(is_escalated as {{ dbt.type_boolean() }}) as is_escalated,
        cast(is_reopened as {{ dbt.type_boolean() }}) as is_reopened,
        cast(reopened_count as {{ dbt.type_int() }}) as reopened_count,
        cast(first_response_target_hours as double precision) as first_response_target_hours,
        cast(resolution_target_hours as double precision) as resolution_target_hours,
        cast(first_response_sla_status as {{ dbt.type_string() }}) as first_response_sla_status,
        cast(
            case when first_response_sla_status <> 'pending' then first_response_sla_status = 'met' end
            as {{ dbt.type_boolean() }}
        ) as is_first_response_sla_met,
        cast(resolution_sla_status as {{ dbt.type_string() }}) as resolution_sla_status,
        cast(
            case when resolution_sla_status <> 'pending' then resolution_sla_status = 'met' end
            as {{ dbt.type_boolean() }}
        ) as is_resolution_sla_met,
        cast(previous_issue_ticket_id as {{ dbt.type_string() }}) as previous_issue_ticket_id,
        cast(days_since_previous_issue as {{ dbt.type_int() }}) as days_since_previous_issue,
        cast(
            coalesce(days_since_previous_issue <= {{ var('repeat_issue_days') | int }}, false)
            as {{ dbt.type_boolean() }}
        ) as is_repeat_issue,
        cast(survey_response_id as {{ dbt.type_string() }}) as survey_response_id,
        cast(survey_type as {{ dbt.type_string() }}) as survey_type,
        cast(survey_score as {{ dbt.type_int() }}) as survey_score,
        cast(survey_normalised_score as double precision) as survey_normalised_score,
        cast(survey_response_band as {{ dbt.type_string() }}) as survey_response_band,
        cast(linked_survey_response_count as {{ dbt.type_int() }}) as linked_survey_response_count,
        cast(as_of_date as date) as as_of_date

    from targeted

)

select * from final
