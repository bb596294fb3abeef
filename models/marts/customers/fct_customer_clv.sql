{#-
    One row per customer with a revenue order up to the as-of date: historical
    value, the formula CLV (every engine) and the predictive CLV of the BG/NBD +
    Gamma-Gamma fit (engines that run dbt Python models; null elsewhere).
    Predicted CLV = discounted expected purchases over the horizon x expected
    average spend x margin share (the same share as the formula CLV).
-#}
with

formula as (

    select * from {{ ref('int_customer_clv_formula_valued') }}

),

{% if python_models_enabled() %}
predictions as (

    select * from {{ ref('int_customer_clv_predictions_scored') }}

    where calibration = 'as_of'

),
{% endif %}

joined as (

    select
        formula.*,
        {% if python_models_enabled() %}
            predictions.frequency as repeat_purchase_days,
            predictions.probability_alive,
            predictions.expected_purchases_horizon,
            predictions.discounted_expected_purchases_horizon,
            predictions.expected_average_spend_reporting,
            round(
                cast(
                    predictions.discounted_expected_purchases_horizon
                    * predictions.expected_average_spend_reporting
                    * formula.margin_share
                    as numeric(38, 6)
                ),
                2
            ) as predicted_clv_reporting
        {% else %}
            formula.purchase_days - 1 as repeat_purchase_days,
            null as probability_alive,
            null as expected_purchases_horizon,
            null as discounted_expected_purchases_horizon,
            null as expected_average_spend_reporting,
            null as predicted_clv_reporting
        {% endif %}

    from formula

    {% if python_models_enabled() %}
        left join predictions
            on formula.customer_id = predictions.customer_id
    {% endif %}

),

final as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(first_purchase_date as date) as first_purchase_date,
        cast(last_purchase_date as date) as last_purchase_date,
        cast(purchase_days as {{ dbt.type_int() }}) as purchase_days,
        cast(repeat_purchase_days as {{ dbt.type_int() }}) as repeat_purchase_days,
        cast(order_count as {{ dbt.type_int() }}) as order_count,
        cast(net_revenue_reporting as numeric(18, 2)) as net_revenue_reporting,
        cast(gross_margin_reporting as numeric(18, 2)) as gross_margin_reporting,
        cast(customer_margin_share as double precision) as customer_margin_share,
        cast(margin_share as double precision) as margin_share,
        cast(is_company_margin_share as {{ dbt.type_boolean() }}) as is_company_margin_share,
        cast(tenure_days as {{ dbt.type_int() }}) as tenure_days,
        cast(average_order_value_reporting as numeric(18, 2)) as average_order_value_reporting,
        cast(purchase_rate_per_year as double precision) as purchase_rate_per_year,
        cast(expected_lifetime_years as double precision) as expected_lifetime_years,
        cast(formula_clv_reporting as numeric(18, 2)) as formula_clv_reporting,
        cast(probability_alive as double precision) as probability_alive,
        cast(expected_purchases_horizon as double precision) as expected_purchases_horizon,
        cast(discounted_expected_purchases_horizon as double precision) as discounted_expected_purchases_horizon,
        cast(expected_average_spend_reporting as numeric(18, 2)) as expected_average_spend_reporting,
        cast(predicted_clv_reporting as numeric(18, 2)) as predicted_clv_reporting

    from joined

)

select * from final
