-- Who is slipping? Customers who were in a good segment (champions, loyal,
-- potential loyalist, new, promising) rfm_movement_days ago and are now in one
-- that needs winning back, the most valuable first.
with

customer_rfm as (

    select * from {{ ref('fct_customer_rfm') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

slipping as (

    select
        customer_rfm.customer_id,
        customers.full_name,
        customers.company_name,
        customers.owner_rep_id,
        customer_rfm.previous_rfm_segment,
        customer_rfm.rfm_segment,
        customer_rfm.previous_rfm_score,
        customer_rfm.rfm_score,
        customer_rfm.last_purchase_date,
        customer_rfm.recency_days,
        customer_rfm.monetary_reporting

    from customer_rfm

    inner join customers
        on customer_rfm.customer_id = customers.customer_id

    where
        customer_rfm.previous_rfm_segment in ('champions', 'loyal', 'potential_loyalist', 'new', 'promising')
        and customer_rfm.rfm_segment in (
            'need_attention', 'about_to_sleep', 'at_risk', 'cannot_lose', 'hibernating', 'lost'
        )

)

select * from slipping
order by monetary_reporting desc, customer_id asc
