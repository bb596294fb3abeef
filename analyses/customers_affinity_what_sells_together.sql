-- What sells together: the product pairs bought in the same order more often than chance
-- (lift above 1), the strongest first, with their support and confidence both ways.
-- Compile with `dbt compile -s customers_affinity_what_sells_together` and run the SQL in target/compiled.
with

product_affinity as (

    select * from {{ ref('rpt_product_affinity') }}

),

together as (

    select
        product_a_name,
        product_b_name,
        pair_order_count,
        support,
        confidence_a_to_b,
        confidence_b_to_a,
        lift

    from product_affinity

    where lift > 1

)

select * from together
order by lift desc, pair_order_count desc
