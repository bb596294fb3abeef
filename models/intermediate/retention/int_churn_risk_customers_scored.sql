{{ config(materialized='table') }}
{#-
    The churn risk score of every customer active at each reference date
    (int_churn_risk_signals_measured): score = the sum of signal_weight (seed
    churn_risk_next_steps) over the signals that fired; band 'high' at a score
    of at least var churn_risk_high_score, 'medium' at least
    var churn_risk_medium_score, else 'low'. The reasons and the suggested next
    steps list the fired signals' reason_label and next_step in the seed's
    signal_order, joined by '; ' (null when no signal fired). A table: both
    fct_churn_risk and the back-test read it.
-#}
{%- set signals = [
    'purchase_frequency_falling',
    'order_value_falling',
    'tickets_rising',
    'nps_detractor_or_falling',
    'contact_gap',
    'contract_ending',
] -%}
with

signals as (

    select * from {{ ref('int_churn_risk_signals_measured') }}

),

next_steps as (

    select * from {{ ref('churn_risk_next_steps') }}

),

fired_signals as (

    {% for signal in signals %}
        {% if not loop.first %}union all{% endif %}
        select
            customer_reference_id,
            cast('{{ signal }}' as {{ dbt.type_string() }}) as signal_name

        from signals

        where {{ signal }}_fired
    {% endfor %}

),

weighted as (

    select
        fired_signals.customer_reference_id,
        count(*) as fired_signal_count,
        sum(next_steps.signal_weight) as churn_risk_score,
        {{ dbt.listagg('next_steps.reason_label', "'; '", 'order by next_steps.signal_order') }}
            as churn_risk_reasons,
        {{ dbt.listagg('next_steps.next_step', "'; '", 'order by next_steps.signal_order') }}
            as suggested_next_steps

    from fired_signals

    left join next_steps
        on fired_signals.signal_name = next_steps.signal_name

    group by fired_signals.customer_reference_id

),

scored as (

    select
        signals.*,
        coalesce(weighted.fired_signal_count, 0) as fired_signal_count,
        coalesce(weighted.churn_risk_score, 0) as churn_risk_score,
        weighted.churn_risk_reasons,
        weighted.suggested_next_steps

    from signals

    left join weighted
        on signals.customer_reference_id = weighted.customer_reference_id

),

banded as (

    select
        *,
        case
            when churn_risk_score >= {{ var('churn_risk_high_score') }} then 'high'
            when churn_risk_score >= {{ var('churn_risk_medium_score') }} then 'medium'
            else 'low'
        end as churn_risk_band,
        case
            when churn_risk_score >= {{ var('churn_risk_high_score') }} then 1
            when churn_risk_score >= {{ var('churn_risk_medium_score') }} then 2
            else 3
        end as churn_risk_band_order

    from scored

),

final as (

    select
        cast(customer_reference_id as {{ dbt.type_string() }}) as customer_reference_id,
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
        cast(contract_ending_fired as {{ dbt.type_boolean() }}) as contract_ending_fired,
        cast(fired_signal_count as {{ dbt.type_int() }}) as fired_signal_count,
        cast(churn_risk_score as {{ dbt.type_int() }}) as churn_risk_score,
        cast(churn_risk_band as {{ dbt.type_string() }}) as churn_risk_band,
        cast(churn_risk_band_order as {{ dbt.type_int() }}) as churn_risk_band_order,
        cast(churn_risk_reasons as {{ dbt.type_string() }}) as churn_risk_reasons,
        cast(suggested_next_steps as {{ dbt.type_string() }}) as suggested_next_steps

    from banded

)

select * from final
