{#-
    One row per customer with a revenue order up to the as-of date: historical
    value, the formula CLV (every engine) and the predictive CLV of the BG/NBD +
    Gamma-Gamma fit (engines that run dbt Python models, python_models_enabled();
    null elsewhere). Predicted CLV = discounted expected purchases over the
    horizon x expected average spend x margin share (the formula CLV's share).
-#}
with

formula as (

    select * from {{ ref('int_customer_clv_formula_valued') }}

),

predictions as (

    {% if python_models_enabled() %}
        select * from {{ ref('int_customer_clv_predictions_scored') }}

        where calibration = 'as_of'
    {% else %}
        -- no dbt Python models on this engine: no predictions (an empty relation of the same columns)
        select
            cast(null as {{ dbt.type_string() }}) as customer_id,
            cast(null as double precision) as probability_alive,
            cast(null as double precision) as expected_purchases_horizon,
            cast(null as double precision) as discounted_expected_purchases_horizon,
            cast(null as double precision) as expected_average_spend_reporting

        where 1 = 0
    {% endif %}

),

joined as (

    select
        formula.*,
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

    from formula

    left join predictions
        on formula.customer_id = predictions.customer_id

),

final as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(first_purchase_date as date) as first_purchase_date,
        cast(last_purchase_date as date) as last_purchase_date,
        cast(purchase_days as {{ dbt.type_int() }}) as purchase_days,
        cast(purchase_days - 1 as {{ dbt.type_int() }}) as repeat_purchase_days,
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
