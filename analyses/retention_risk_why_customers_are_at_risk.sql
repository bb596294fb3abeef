-- Who is about to leave, and why? Customers per band and how often each signal fired in it.
with

churn_risk as (

    select * from {{ ref('fct_churn_risk') }}

),

by_band as (

    select
        churn_risk_band,
        churn_risk_band_order,
        count(*) as customer_count,
        avg(churn_risk_score) as avg_churn_risk_score,
        sum(case when purchase_frequency_falling_fired then 1 else 0 end) as purchase_frequency_falling_count,
        sum(case when order_value_falling_fired then 1 else 0 end) as order_value_falling_count,
        sum(case when tickets_rising_fired then 1 else 0 end) as tickets_rising_count,
        sum(case when nps_detractor_or_falling_fired then 1 else 0 end) as nps_detractor_or_falling_count,
        sum(case when contact_gap_fired then 1 else 0 end) as contact_gap_count,
        sum(case when contract_ending_fired then 1 else 0 end) as contract_ending_count

    from churn_risk

    group by churn_risk_band, churn_risk_band_order

)

select * from by_band
order by churn_risk_band_order
