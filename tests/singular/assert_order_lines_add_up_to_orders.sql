-- The lines of every order add up exactly to the order, in the original and in
-- the reporting currency: the discount allocation and the rounding to the cent
-- leave no cent behind (DECISIONLOG.md, Money). Returns the orders that differ.
with

orders as (

    select * from {{ ref('fct_orders') }}

),

order_items as (

    select * from {{ ref('fct_order_items') }}

),

line_totals as (

    select
        order_id,
        sum(gross_amount) as gross_amount,
        sum(discount_amount) as discount_amount,
        sum(net_amount_reporting) as net_amount_reporting

    from order_items

    group by order_id

),

mismatched as (

    select
        orders.order_id,
        orders.gross_amount,
        line_totals.gross_amount as line_gross_amount,
        orders.discount_amount,
        line_totals.discount_amount as line_discount_amount,
        orders.net_amount_reporting,
        line_totals.net_amount_reporting as line_net_amount_reporting

    from orders

    inner join line_totals
        on orders.order_id = line_totals.order_id

    where
        orders.gross_amount != line_totals.gross_amount
        or orders.discount_amount != line_totals.discount_amount
        or orders.net_amount_reporting != line_totals.net_amount_reporting

)

select * from mismatched
