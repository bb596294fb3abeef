-- What to offer each customer next: up to three products they have not bought, ranked by
-- lift from a product they did buy, with the owner rep who should make the offer.
-- Compile with `dbt compile -s customers_next_products_to_offer` and run the SQL in target/compiled.
with

next_products as (

    select * from {{ ref('fct_customer_next_products') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

products as (

    select * from {{ ref('dim_products') }}

),

offers as (

    select
        next_products.customer_id,
        customers.owner_rep_name,
        next_products.recommendation_rank,
        next_products.product_name,
        products.product_name as because_they_bought,
        next_products.lift,
        next_products.confidence

    from next_products

    inner join customers
        on next_products.customer_id = customers.customer_id

    inner join products
        on next_products.antecedent_product_id = products.product_id

)

select * from offers
order by customer_id, recommendation_rank
