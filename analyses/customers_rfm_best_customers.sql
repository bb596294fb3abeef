-- Who are our best customers? The champions (bought recently, often and the
-- most), highest total net revenue first, with their RFM figures.
with

customer_rfm as (

    select * from {{ ref('fct_customer_rfm') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

champions as (

    select
        customer_rfm.customer_id,
        customers.full_name,
        customers.company_name,
        customers.owner_rep_id,
        customer_rfm.rfm_score,
        customer_rfm.recency_days,
        customer_rfm.frequency,
        customer_rfm.monetary_reporting,
        customer_rfm.previous_rfm_segment

    from customer_rfm

    inner join customers
        on customer_rfm.customer_id = customers.customer_id

    where customer_rfm.rfm_segment = 'champions'

)

select * from champions
order by monetary_reporting desc, customer_id asc
