{#-
    Churn risk at the as-of date: the 'current' rows of
    int_churn_risk_customers_scored (the back-test reads the 'backtest' rows of
    the same model, so both are the same SQL). One row per customer active at
    the as-of date (int_customer_activity_periods).
-#}
with

scored as (

    select * from {{ ref('int_churn_risk_customers_scored') }}

),

final as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(reference_date as date) as as_of_date,
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
        cast(churn_risk_reasons as {{ dbt.type_string() }}) as churn_risk_reasons

    from scored

    where reference_point = 'current'

)

select * from final
