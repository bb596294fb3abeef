-- Where did each customer stand month by month: the customers who churned in the latest
-- complete month, with their last twelve months of activity, MRR, orders, tickets and NPS.
-- Compile with `dbt compile -s retention_customer_months_history` and run the SQL in target/compiled.
with

customer_months as (

    select * from {{ ref('fct_customer_months') }}

),

latest_complete_month as (

    select max(month_start_date) as month_start_date

    from customer_months

    where not is_partial_month

),

churned as (

    select customer_months.customer_id

    from customer_months

    inner join latest_complete_month
        on customer_months.month_start_date = latest_complete_month.month_start_date

    where customer_months.is_churned

),

history as (

    select
        customer_months.customer_id,
        customer_months.month_start_date,
        customer_months.is_active,
        customer_months.activity_basis,
        customer_months.mrr_reporting,
        customer_months.mrr_movement,
        customer_months.plan,
        customer_months.order_count,
        customer_months.net_revenue_reporting,
        customer_months.ticket_count,
        customer_months.latest_nps_score

    from customer_months

    inner join churned
        on customer_months.customer_id = churned.customer_id

    cross join latest_complete_month

    where customer_months.month_start_date > {{ dbt.dateadd('month', -12, 'latest_complete_month.month_start_date') }}

)

select * from history
order by customer_id, month_start_date
