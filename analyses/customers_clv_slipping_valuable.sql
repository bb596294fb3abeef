-- Who is slipping: customers with a high history (top quarter of net revenue to date) whom BG/NBD now gives
-- less than an even chance of still being active (DuckDB only: probability_alive is null on PostgreSQL).
-- Compile with `dbt compile -s customers_clv_slipping_valuable` and run the SQL in target/compiled.
with

customer_clv as (

    select * from {{ ref('fct_customer_clv') }}

),

revenue_cut as (

    select {{ percentile('net_revenue_reporting', 0.75) }} as top_quarter_revenue

    from customer_clv

),

slipping as (

    select
        customer_clv.customer_id,
        customer_clv.last_purchase_date,
        customer_clv.purchase_days,
        customer_clv.net_revenue_reporting,
        customer_clv.probability_alive,
        customer_clv.predicted_clv_reporting

    from customer_clv

    cross join revenue_cut

    where
        customer_clv.net_revenue_reporting >= revenue_cut.top_quarter_revenue
        and customer_clv.probability_alive < 0.5

)

select * from slipping
order by net_revenue_reporting desc, customer_id asc
