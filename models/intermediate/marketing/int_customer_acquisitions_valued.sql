{#- A table, not a view: several models and data tests read it, and as a view each of them recomputed it (issue 14). -#}
{{ config(materialized='table') }}
{#-
    The new customers of the marketing area. Grain: one row per customer with
    a first revenue purchase (int_customer_purchase_days, the customer-value
    area's definition: a revenue order, not cancelled or refunded, on or before
    the as-of date). The conversion moment is the first revenue order's
    ordered_at. Revenue: the first purchase month's net revenue (net new
    revenue) and the net revenue of the attribution window (var
    attribution_window_days, default 90: the first purchase day is day 1),
    both from int_customer_purchase_days, to the as-of date. CLV: the formula
    CLV of fct_customer_clv at the as-of date.
-#}
with

purchase_days as (

    select * from {{ ref('int_customer_purchase_days') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

clv as (

    select * from {{ ref('fct_customer_clv') }}

),

first_days as (

    select
        customer_id,
        first_purchase_date,
        cast({{ dbt.date_trunc('month', 'first_purchase_date') }} as date) as acquisition_month,
        cast(
            {{ dbt.dateadd('day', var('attribution_window_days') | int - 1, 'first_purchase_date') }} as date
        ) as attribution_window_end_date

    from purchase_days

    where purchase_day_number = 1

),

first_orders as (

    select
        orders.customer_id,
        min(orders.ordered_at) as first_purchase_at

    from orders

    inner join first_days
        on orders.customer_id = first_days.customer_id
        and orders.order_date = first_days.first_purchase_date

    where orders.is_revenue_order

    group by orders.customer_id

),

revenue as (

    select
        first_days.customer_id,
        sum(
            case
                when {{ dbt.date_trunc('month', 'purchase_days.purchase_date') }} = first_days.acquisition_month
                    then purchase_days.net_revenue_reporting
                else 0
            end
        ) as first_month_revenue_reporting,
        sum(
            case
                when purchase_days.purchase_date <= first_days.attribution_window_end_date
                    then purchase_days.net_revenue_reporting
                else 0
            end
        ) as window_revenue_reporting

    from first_days

    inner join purchase_days
        on first_days.customer_id = purchase_days.customer_id

    group by first_days.customer_id

),

final as (

    select
        cast(first_days.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(coalesce(customers.acquisition_channel, 'unknown') as {{ dbt.type_string() }}) as acquisition_channel,
        cast(first_orders.first_purchase_at as {{ dbt.type_timestamp() }}) as first_purchase_at,
        cast(first_days.first_purchase_date as date) as first_purchase_date,
        cast(first_days.acquisition_month as date) as acquisition_month,
        cast(first_days.attribution_window_end_date as date) as attribution_window_end_date,
        cast(revenue.first_month_revenue_reporting as numeric(18, 2)) as first_month_revenue_reporting,
        cast(revenue.window_revenue_reporting as numeric(18, 2)) as window_revenue_reporting,
        cast(clv.formula_clv_reporting as numeric(18, 2)) as formula_clv_reporting

    from first_days

    inner join first_orders
        on first_days.customer_id = first_orders.customer_id

    inner join revenue
        on first_days.customer_id = revenue.customer_id

    left join customers
        on first_days.customer_id = customers.customer_id

    left join clv
        on first_days.customer_id = clv.customer_id

)

select * from final
