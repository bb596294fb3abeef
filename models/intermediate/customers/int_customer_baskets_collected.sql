{#-
    The baskets of product affinity: the distinct products of every revenue
    order (not cancelled or refunded) placed on or before the as-of date, from
    fct_order_items. A product on two lines of one order counts once; an order
    without lines has no basket.
-#}
with

order_items as (

    select * from {{ ref('fct_order_items') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

basket_items as (

    select distinct
        order_items.order_id,
        order_items.customer_id,
        order_items.order_date,
        order_items.product_id

    from order_items

    inner join as_of
        on order_items.order_date <= as_of.as_of_date

    where order_items.is_revenue_order

),

final as (

    select
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(order_date as date) as order_date,
        cast(product_id as {{ dbt.type_string() }}) as product_id

    from basket_items

)

select * from final
