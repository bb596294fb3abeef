-- What is each customer worth over the next year: the 50 highest predicted CLVs (margin, discounted) beside the
-- formula CLV and the history. Predictive columns are DuckDB only (null on PostgreSQL: order by the formula CLV there).
-- Compile with `dbt compile -s customers_clv_most_valuable_next_year` and run the SQL in target/compiled.
with

customer_clv as (

    select * from {{ ref('fct_customer_clv') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

ranked as (

    select
        customer_clv.customer_id,
        customers.segment,
        customers.country_code,
        customer_clv.purchase_days,
        customer_clv.net_revenue_reporting,
        customer_clv.gross_margin_reporting,
        customer_clv.probability_alive,
        customer_clv.expected_purchases_horizon,
        customer_clv.expected_average_spend_reporting,
        customer_clv.predicted_clv_reporting,
        customer_clv.formula_clv_reporting

    from customer_clv

    inner join customers
        on customer_clv.customer_id = customers.customer_id

)

select * from ranked
order by coalesce(predicted_clv_reporting, formula_clv_reporting) desc, customer_id asc
limit 50
