{#- A table, not a view: several models and data tests read it, and as a view each of them recomputed it (issue 14). -#}
{{ config(materialized='table') }}
{#-
    The churn risk signals of every customer active at each reference date D
    (int_churn_risk_reference_dates), measured with data up to D only, so the
    current score and the back-test are the same SQL. Active on D = an activity
    period (int_customer_activity_periods) contains D. Windows: the last
    var churn_risk_lookback_days (N) days, (D - N, D], against the N days
    before them, (D - 2N, D - N].
    - purchase_frequency_falling: fewer purchase days (int_customer_purchase_days)
      in the last window than in the one before.
    - order_value_falling: average order value (net revenue / revenue orders,
      reporting currency) of the last window below the one before by more than
      var churn_risk_order_value_drop_share; needs orders in both windows.
    - tickets_rising: more support tickets opened in the last window than in
      the one before.
    - nps_detractor_or_falling: the latest NPS answer on or before D is a detractor
      (response_band of int_survey_responses_normalised, the one band rule: 0-6), or
      lower than the answer before it.
    - contact_gap: more than var churn_risk_contact_gap_days days since the
      latest contact on or before D (a revenue purchase day, a support ticket
      opened, a survey answered, a completed CRM activity with the customer),
      or no contact at all.
    - contract_ending: the contracts in force at D all end within
      var churn_risk_contract_ending_days days (no contract in force runs
      longer or is open-ended). A contract's end as known at D: its contract
      end date; its cancellation day when it was cancelled on D (a
      cancellation after D is not known at D). A renewal shows only once it
      has started (the export has no signing date).
-#}
{%- set lookback_days = var('churn_risk_lookback_days') | int -%}
{%- set contact_gap_days = var('churn_risk_contact_gap_days') | int -%}
{%- set contract_ending_days = var('churn_risk_contract_ending_days') | int -%}
{%- set order_value_drop_share = var('churn_risk_order_value_drop_share') | float -%}
with

reference_dates as (

    select * from {{ ref('int_churn_risk_reference_dates') }}

),

activity_periods as (

    select * from {{ ref('int_customer_activity_periods') }}

),

subscriptions as (

    select * from {{ ref('stg_crm__subscriptions') }}

),

purchase_days as (

    select * from {{ ref('int_customer_purchase_days') }}

),

support_tickets as (

    select * from {{ ref('stg_crm__support_tickets') }}

),

survey_responses as (

    select * from {{ ref('int_survey_responses_normalised') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

reference_windows as (

    select
        reference_point,
        reference_date,
        cast({{ dbt.dateadd('day', -1 * lookback_days, 'reference_date') }} as date) as window_split_date,
        cast({{ dbt.dateadd('day', -2 * lookback_days, 'reference_date') }} as date) as window_start_date

    from reference_dates

),

periods_in_force as (

    select
        activity_periods.customer_id,
        reference_windows.reference_point,
        activity_periods.activity_basis,
        case
            when
                activity_periods.activity_basis = 'contract'
                and activity_periods.period_end_date = reference_windows.reference_date
                then activity_periods.period_end_date
            when activity_periods.activity_basis = 'contract'
                then subscriptions.contract_end_date
        end as contract_end_known_date

    from activity_periods

    inner join reference_windows
        on activity_periods.period_start_date <= reference_windows.reference_date
        and (
            activity_periods.period_end_date is null
            or activity_periods.period_end_date >= reference_windows.reference_date
        )

    left join subscriptions
        on activity_periods.subscription_id = subscriptions.subscription_id

),

active_customers as (

    select
        periods_in_force.customer_id,
        periods_in_force.reference_point,
        max(case when periods_in_force.activity_basis = 'contract' then 1 else 0 end) as has_contract,
        sum(
            case
                when periods_in_force.activity_basis = 'contract' and periods_in_force.contract_end_known_date is null
                    then 1
                else 0
            end
        ) as open_ended_contract_count,
        max(periods_in_force.contract_end_known_date) as latest_contract_end_date

    from periods_in_force

    group by periods_in_force.customer_id, periods_in_force.reference_point

),

customer_windows as (

    select
        active_customers.customer_id,
        active_customers.reference_point,
        reference_windows.reference_date,
        reference_windows.window_split_date,
        reference_windows.window_start_date,
        active_customers.has_contract,
        -- null when no contract is in force or one of them is open-ended
        case
            when active_customers.open_ended_contract_count = 0 then active_customers.latest_contract_end_date
        end as contracts_in_force_end_date

    from active_customers

    inner join reference_windows
        on active_customers.reference_point = reference_windows.reference_point

),

purchase_windows as (

    select
        customer_windows.customer_id,
        customer_windows.reference_point,
        count(case when purchase_days.purchase_date > customer_windows.window_split_date then 1 end)
            as recent_purchase_days,
        count(case when purchase_days.purchase_date <= customer_windows.window_split_date then 1 end)
            as previous_purchase_days,
        sum(case when purchase_days.purchase_date > customer_windows.window_split_date then purchase_days.order_count end)
            as recent_order_count,
        sum(case when purchase_days.purchase_date <= customer_windows.window_split_date then purchase_days.order_count end)
            as previous_order_count,
        sum(
            case
                when purchase_days.purchase_date > customer_windows.window_split_date
                    then purchase_days.net_revenue_reporting
            end
        ) as recent_net_revenue_reporting,
        sum(
            case
                when purchase_days.purchase_date <= customer_windows.window_split_date
                    then purchase_days.net_revenue_reporting
            end
        ) as previous_net_revenue_reporting

    from customer_windows

    inner join purchase_days
        on customer_windows.customer_id = purchase_days.customer_id
        and customer_windows.window_start_date < purchase_days.purchase_date
        and customer_windows.reference_date >= purchase_days.purchase_date

    group by customer_windows.customer_id, customer_windows.reference_point

),

ticket_windows as (

    select
        customer_windows.customer_id,
        customer_windows.reference_point,
        count(case when cast(support_tickets.created_at as date) > customer_windows.window_split_date then 1 end)
            as recent_ticket_count,
        count(case when cast(support_tickets.created_at as date) <= customer_windows.window_split_date then 1 end)
            as previous_ticket_count

    from customer_windows

    inner join support_tickets
        on customer_windows.customer_id = support_tickets.customer_id
        and customer_windows.window_start_date < cast(support_tickets.created_at as date)
        and customer_windows.reference_date >= cast(support_tickets.created_at as date)

    group by customer_windows.customer_id, customer_windows.reference_point

),

nps_answers as (

    select
        customer_windows.customer_id,
        customer_windows.reference_point,
        survey_responses.score,
        survey_responses.response_band,
        cast(survey_responses.responded_at as date) as responded_date,
        row_number() over (
            partition by customer_windows.customer_id, customer_windows.reference_point
            order by survey_responses.responded_at desc, survey_responses.response_id desc
        ) as answer_recency

    from customer_windows

    inner join survey_responses
        on customer_windows.customer_id = survey_responses.customer_id
        and customer_windows.reference_date >= cast(survey_responses.responded_at as date)

    where survey_responses.survey_type = 'nps'

),

nps_latest as (

    select
        customer_id,
        reference_point,
        max(case when answer_recency = 1 then score end) as latest_nps_score,
        max(case when answer_recency = 1 then response_band end) as latest_nps_band,
        max(case when answer_recency = 1 then responded_date end) as latest_nps_date,
        max(case when answer_recency = 2 then score end) as previous_nps_score

    from nps_answers

    where answer_recency <= 2

    group by customer_id, reference_point

),

contacts as (

    select
        customer_id,
        purchase_date as contact_date

    from purchase_days

    union all

    select
        customer_id,
        cast(created_at as date) as contact_date

    from support_tickets

    union all

    select
        customer_id,
        cast(responded_at as date) as contact_date

    from survey_responses

    union all

    select
        customer_id,
        cast(completed_at as date) as contact_date

    from activities

    where
        customer_id is not null
        and completed_at is not null

),

last_contacts as (

    select
        customer_windows.customer_id,
        customer_windows.reference_point,
        max(contacts.contact_date) as last_contact_date

    from customer_windows

    inner join contacts
        on customer_windows.customer_id = contacts.customer_id
        and customer_windows.reference_date >= contacts.contact_date

    group by customer_windows.customer_id, customer_windows.reference_point

),

measured as (

    select
        customer_windows.customer_id,
        customer_windows.reference_point,
        customer_windows.reference_date,
        customer_windows.has_contract = 1 as has_contract,
        coalesce(purchase_windows.recent_purchase_days, 0) as recent_purchase_days,
        coalesce(purchase_windows.previous_purchase_days, 0) as previous_purchase_days,
        purchase_windows.recent_net_revenue_reporting / nullif(purchase_windows.recent_order_count, 0)
            as recent_average_order_value_reporting,
        purchase_windows.previous_net_revenue_reporting / nullif(purchase_windows.previous_order_count, 0)
            as previous_average_order_value_reporting,
        coalesce(ticket_windows.recent_ticket_count, 0) as recent_ticket_count,
        coalesce(ticket_windows.previous_ticket_count, 0) as previous_ticket_count,
        nps_latest.latest_nps_score,
        nps_latest.latest_nps_band,
        nps_latest.latest_nps_date,
        nps_latest.previous_nps_score,
        last_contacts.last_contact_date,
        {{ dbt.datediff('last_contacts.last_contact_date', 'customer_windows.reference_date', 'day') }}
            as days_since_last_contact,
        customer_windows.contracts_in_force_end_date,
        {{ dbt.datediff('customer_windows.reference_date', 'customer_windows.contracts_in_force_end_date', 'day') }}
            as days_to_contract_end

    from customer_windows

    left join purchase_windows
        on customer_windows.customer_id = purchase_windows.customer_id
        and customer_windows.reference_point = purchase_windows.reference_point

    left join ticket_windows
        on customer_windows.customer_id = ticket_windows.customer_id
        and customer_windows.reference_point = ticket_windows.reference_point

    left join nps_latest
        on customer_windows.customer_id = nps_latest.customer_id
        and customer_windows.reference_point = nps_latest.reference_point

    left join last_contacts
        on customer_windows.customer_id = last_contacts.customer_id
        and customer_windows.reference_point = last_contacts.reference_point

),

fired as (

    select
        *,
        recent_purchase_days < previous_purchase_days as purchase_frequency_falling_fired,
        coalesce(
            recent_average_order_value_reporting
            < previous_average_order_value_reporting * (1 - {{ order_value_drop_share }}),
            false
        ) as order_value_falling_fired,
        recent_ticket_count > previous_ticket_count as tickets_rising_fired,
        coalesce(latest_nps_band = 'detractor', false) or coalesce(latest_nps_score < previous_nps_score, false)
            as nps_detractor_or_falling_fired,
        coalesce(days_since_last_contact > {{ contact_gap_days }}, true) as contact_gap_fired,
        coalesce(days_to_contract_end <= {{ contract_ending_days }}, false) as contract_ending_fired

    from measured

),

final as (

    select
        {{ surrogate_key(['customer_id', 'reference_point']) }} as customer_reference_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(reference_point as {{ dbt.type_string() }}) as reference_point,
        cast(reference_date as date) as reference_date,
        cast(has_contract as {{ dbt.type_boolean() }}) as has_contract,
        cast(recent_purchase_days as {{ dbt.type_int() }}) as recent_purchase_days,
        cast(previous_purchase_days as {{ dbt.type_int() }}) as previous_purchase_days,
        cast(purchase_frequency_falling_fired as {{ dbt.type_boolean() }}) as purchase_frequency_falling_fired,
        cast(recent_average_order_value_reporting as numeric(18, 2)) as recent_average_order_value_reporting,
        cast(previous_average_order_value_reporting as numeric(18, 2)) as previous_average_order_value_reporting,
        cast(order_value_falling_fired as {{ dbt.type_boolean() }}) as order_value_falling_fired,
        cast(recent_ticket_count as {{ dbt.type_int() }}) as recent_ticket_count,
        cast(previous_ticket_count as {{ dbt.type_int() }}) as previous_ticket_count,
        cast(tickets_rising_fired as {{ dbt.type_boolean() }}) as tickets_rising_fired,
        cast(latest_nps_score as {{ dbt.type_int() }}) as latest_nps_score,
        cast(latest_nps_date as date) as latest_nps_date,
        cast(previous_nps_score as {{ dbt.type_int() }}) as previous_nps_score,
        cast(nps_detractor_or_falling_fired as {{ dbt.type_boolean() }}) as nps_detractor_or_falling_fired,
        cast(last_contact_date as date) as last_contact_date,
        cast(days_since_last_contact as {{ dbt.type_int() }}) as days_since_last_contact,
        cast(contact_gap_fired as {{ dbt.type_boolean() }}) as contact_gap_fired,
        cast(contracts_in_force_end_date as date) as contracts_in_force_end_date,
        cast(days_to_contract_end as {{ dbt.type_int() }}) as days_to_contract_end,
        cast(contract_ending_fired as {{ dbt.type_boolean() }}) as contract_ending_fired

    from fired

)

select * from final
