{#-
    Every contract that reached its end, with what came after it. Grain: one
    row per subscription whose contract_end_date is on or before the as-of date
    and that was not cancelled before that date (a contract cancelled before
    its end never came up for renewal: it churned mid-term and counts in logo
    churn, not here; one cancelled on or after its end date reached it).
    Renewed by:
    - named: the earliest later contract (by start date, then id) whose
      renewal_of_subscription_id names it;
    - rule, when none names it: the earliest contract of the same customer
      that names no contract itself, starts after this one started and at
      most var renewal_grace_days days after this one's end, and runs past
      that end (or is open-ended).
    The renewing contract counts whatever its start date (the export lists it).
    Outcome: renewed; else pending while the rule's window is still open (end
    date + renewal_grace_days after the as-of date); else churned.
-#}
{%- set grace_days = var('renewal_grace_days') | int -%}
with

subscriptions as (

    select * from {{ ref('stg_crm__subscriptions') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

reached as (

    select
        subscriptions.subscription_id,
        subscriptions.customer_id,
        subscriptions.plan,
        subscriptions.contract_start_date,
        subscriptions.contract_end_date,
        as_of.as_of_date,
        cast({{ dbt.dateadd('day', grace_days, 'subscriptions.contract_end_date') }} as date) as renewal_window_end_date

    from subscriptions

    inner join as_of
        on subscriptions.contract_end_date <= as_of.as_of_date

    where
        subscriptions.cancelled_at is null
        or cast(subscriptions.cancelled_at as date) >= subscriptions.contract_end_date

),

named_candidates as (

    select
        reached.subscription_id,
        renewals.subscription_id as renewed_by_subscription_id,
        row_number() over (
            partition by reached.subscription_id
            order by renewals.contract_start_date, renewals.subscription_id
        ) as candidate_order

    from reached

    inner join subscriptions as renewals
        on reached.subscription_id = renewals.renewal_of_subscription_id

),

rule_candidates as (

    select
        reached.subscription_id,
        later.subscription_id as renewed_by_subscription_id,
        row_number() over (
            partition by reached.subscription_id
            order by later.contract_start_date, later.subscription_id
        ) as candidate_order

    from reached

    inner join subscriptions as later
        on reached.customer_id = later.customer_id
        and reached.subscription_id <> later.subscription_id
        and reached.contract_start_date < later.contract_start_date
        and reached.renewal_window_end_date >= later.contract_start_date
        and (later.contract_end_date is null or reached.contract_end_date < later.contract_end_date)

    where later.renewal_of_subscription_id is null

),

matched as (

    select
        reached.*,
        coalesce(named_candidates.renewed_by_subscription_id, rule_candidates.renewed_by_subscription_id)
            as renewed_by_subscription_id,
        case
            when named_candidates.renewed_by_subscription_id is not null then 'named'
            when rule_candidates.renewed_by_subscription_id is not null then 'rule'
        end as renewal_match

    from reached

    left join named_candidates
        on reached.subscription_id = named_candidates.subscription_id
        and named_candidates.candidate_order = 1

    left join rule_candidates
        on reached.subscription_id = rule_candidates.subscription_id
        and rule_candidates.candidate_order = 1

),

final as (

    select
        cast(subscription_id as {{ dbt.type_string() }}) as subscription_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(plan as {{ dbt.type_string() }}) as plan,
        cast(contract_start_date as date) as contract_start_date,
        cast(contract_end_date as date) as contract_end_date,
        cast({{ dbt.date_trunc('month', 'contract_end_date') }} as date) as renewal_month,
        cast(renewal_window_end_date as date) as renewal_window_end_date,
        cast(renewed_by_subscription_id as {{ dbt.type_string() }}) as renewed_by_subscription_id,
        cast(renewal_match as {{ dbt.type_string() }}) as renewal_match,
        cast(
            case
                when renewal_match is not null then 'renewed'
                when renewal_window_end_date > as_of_date then 'pending'
                else 'churned'
            end as {{ dbt.type_string() }}
        ) as renewal_outcome

    from matched

)

select * from final
