{#-
    One wide row per customer for the people who serve them: the core facts of
    dim_customers, then one block of columns per analytical area. Each area is
    one import CTE at the customer grain and one left join below; a customer
    the area has nothing on keeps nulls in its columns (a customer who never
    bought has no RFM segment, no cohort, no CLV). To add an area: add its
    import CTE, its left join and its columns in the final
    select, and its columns in the yml; nothing else changes.
-#}
with

customers as (

    select * from {{ ref('dim_customers') }}

),

-- customer value: RFM
rfm as (

    select * from {{ ref('fct_customer_rfm') }}

),

-- customer value: CLV (historical, formula, predictive where the engine runs Python models)
clv as (

    select * from {{ ref('fct_customer_clv') }}

),

-- customer value: profitability
profitability as (

    select * from {{ ref('fct_customer_profitability') }}

),

-- customer value: the first recommended product
next_products as (

    select * from {{ ref('fct_customer_next_products') }}

    where recommendation_rank = 1

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

-- retention: the customer's row of the as-of month (none when churned earlier)
customer_months_now as (

    select customer_months.*

    from {{ ref('fct_customer_months') }} as customer_months

    inner join as_of
        on customer_months.month_end_date = as_of.as_of_date

),

-- retention: churn risk of the customers active at the as-of date
churn_risk as (

    select * from {{ ref('fct_churn_risk') }}

),

-- service: the latest NPS answer to the as-of date (ties: the later response_id)
nps_answers_ranked as (

    select
        customer_id,
        score,
        response_band,
        responded_date,
        row_number() over (partition by customer_id order by responded_at desc, response_id desc) as answer_recency

    from {{ ref('fct_survey_responses') }}

    where survey_type = 'nps'

),

latest_nps as (

    select * from nps_answers_ranked

    where answer_recency = 1

),

-- service: open tickets and repeat issues at the as-of date
ticket_counts as (

    select
        customer_id,
        sum(case when is_open then 1 else 0 end) as open_ticket_count,
        sum(case when is_repeat_issue then 1 else 0 end) as repeat_ticket_count

    from {{ ref('fct_tickets') }}

    group by customer_id

),

-- service: the channel each customer uses most
channel_preference as (

    select * from {{ ref('rpt_channel_preference') }}

),

final as (

    select
        -- core (dim_customers)
        cast(customers.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(customers.customer_type as {{ dbt.type_string() }}) as customer_type,
        cast(customers.full_name as {{ dbt.type_string() }}) as full_name,
        cast(customers.company_name as {{ dbt.type_string() }}) as company_name,
        cast(customers.country_code as {{ dbt.type_string() }}) as country_code,
        cast(customers.city as {{ dbt.type_string() }}) as city,
        cast(customers.segment as {{ dbt.type_string() }}) as segment,
        cast(customers.industry as {{ dbt.type_string() }}) as industry,
        cast(customers.acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        cast(customers.owner_rep_id as {{ dbt.type_string() }}) as owner_rep_id,
        cast(customers.owner_rep_name as {{ dbt.type_string() }}) as owner_rep_name,
        cast(customers.owner_team as {{ dbt.type_string() }}) as owner_team,
        cast(customers.created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(customers.first_purchase_date as date) as first_purchase_date,
        cast(customers.last_purchase_date as date) as last_purchase_date,
        cast(customers.order_count as {{ dbt.type_int() }}) as order_count,
        cast(customers.purchase_count as {{ dbt.type_int() }}) as purchase_count,
        cast(customers.lifetime_net_revenue_reporting as numeric(18, 2)) as lifetime_net_revenue_reporting,
        cast(customers.lifetime_gross_margin_reporting as numeric(18, 2)) as lifetime_gross_margin_reporting,
        cast(customers.has_purchased as {{ dbt.type_boolean() }}) as has_purchased,
        -- customer value: cohort (month of the first purchase)
        cast({{ dbt.date_trunc('month', 'customers.first_purchase_date') }} as date) as cohort_month,
        -- customer value: RFM
        cast(rfm.recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(rfm.frequency as {{ dbt.type_int() }}) as rfm_frequency,
        cast(rfm.monetary_reporting as numeric(18, 2)) as rfm_monetary_reporting,
        cast(rfm.rfm_score as {{ dbt.type_string() }}) as rfm_score,
        cast(rfm.rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(rfm.previous_rfm_segment as {{ dbt.type_string() }}) as previous_rfm_segment,
        -- customer value: CLV
        cast(clv.formula_clv_reporting as numeric(18, 2)) as formula_clv_reporting,
        cast(clv.probability_alive as double precision) as probability_alive,
        cast(clv.expected_purchases_horizon as double precision) as expected_purchases_horizon,
        cast(clv.predicted_clv_reporting as numeric(18, 2)) as predicted_clv_reporting,
        -- customer value: profitability
        cast(profitability.support_ticket_count as {{ dbt.type_int() }}) as support_ticket_count,
        cast(profitability.cost_to_serve_reporting as numeric(18, 2)) as cost_to_serve_reporting,
        cast(profitability.profit_reporting as numeric(18, 2)) as profit_reporting,
        -- customer value: next product
        cast(next_products.product_id as {{ dbt.type_string() }}) as next_best_product_id,
        cast(next_products.product_name as {{ dbt.type_string() }}) as next_best_product_name,
        -- retention: activity and MRR at the as-of date, churn risk
        cast(coalesce(customer_months_now.is_active, false) as {{ dbt.type_boolean() }}) as is_active,
        cast(customer_months_now.activity_basis as {{ dbt.type_string() }}) as activity_basis,
        cast(coalesce(customer_months_now.mrr_reporting, 0) as numeric(18, 2)) as mrr_reporting,
        cast(churn_risk.churn_risk_score as {{ dbt.type_int() }}) as churn_risk_score,
        cast(churn_risk.churn_risk_band as {{ dbt.type_string() }}) as churn_risk_band,
        cast(churn_risk.churn_risk_reasons as {{ dbt.type_string() }}) as churn_risk_reasons,
        -- service: latest NPS, open tickets, repeat issues, preferred channel
        cast(latest_nps.score as {{ dbt.type_int() }}) as latest_nps_score,
        cast(latest_nps.response_band as {{ dbt.type_string() }}) as latest_nps_band,
        cast(latest_nps.responded_date as date) as latest_nps_date,
        cast(coalesce(ticket_counts.open_ticket_count, 0) as {{ dbt.type_int() }}) as open_ticket_count,
        cast(coalesce(ticket_counts.repeat_ticket_count, 0) > 0 as {{ dbt.type_boolean() }}) as has_repeat_issue,
        cast(channel_preference.preferred_channel as {{ dbt.type_string() }}) as preferred_channel

    from customers

    left join rfm
        on customers.customer_id = rfm.customer_id

    left join clv
        on customers.customer_id = clv.customer_id

    left join profitability
        on customers.customer_id = profitability.customer_id

    left join next_products
        on customers.customer_id = next_products.customer_id

    left join customer_months_now
        on customers.customer_id = customer_months_now.customer_id

    left join churn_risk
        on customers.customer_id = churn_risk.customer_id

    left join latest_nps
        on customers.customer_id = latest_nps.customer_id

    left join ticket_counts
        on customers.customer_id = ticket_counts.customer_id

    left join channel_preference
        on customers.customer_id = channel_preference.customer_id

)

select * from final
