-- Which customers cost more to serve than they earn: customers by profit (gross margin minus
-- support and retention cost to serve), the loss-making ones first.
-- Compile with `dbt compile -s customers_profit_cost_to_serve` and run the SQL in target/compiled.
with

profitability as (

    select * from {{ ref('fct_customer_profitability') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

ranked as (

    select
        profitability.customer_id,
        customers.segment,
        customers.owner_team,
        profitability.net_revenue_reporting,
        profitability.gross_margin_reporting,
        profitability.support_ticket_count,
        profitability.support_cost_reporting,
        profitability.retention_spend_reporting,
        profitability.cost_to_serve_reporting,
        profitability.profit_reporting,
        profitability.profit_margin_share

    from profitability

    inner join customers
        on profitability.customer_id = customers.customer_id

)

select * from ranked
order by profit_reporting asc nulls last, customer_id asc
