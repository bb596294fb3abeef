{#-
    The purchase history every customer-value mart reads: revenue orders (not
    cancelled or refunded) placed on or before the as-of date, one row per
    customer per purchase day, same-day orders summed (the "one purchase per
    customer-day" of BG/NBD and the "distinct purchase days" of RFM). Marts
    that need an earlier cut (RFM movement, the CLV calibration period) filter
    purchase_date; purchase_day_number is counted over the whole history.
-#}
with

orders as (

    select * from {{ ref('fct_orders') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

revenue_orders as (

    select orders.*

    from orders

    inner join as_of
        on orders.order_date <= as_of.as_of_date

    where orders.is_revenue_order

),

purchase_days as (

    select
        customer_id,
        order_date as purchase_date,
        count(*) as order_count,
        sum(net_revenue_reporting) as net_revenue_reporting,
        -- null when any order's margin is unknown (a cost not exported): never a partial sum
        case
            when count(gross_margin_reporting) = count(*) then sum(gross_margin_reporting)
        end as gross_margin_reporting

    from revenue_orders

    group by customer_id, order_date

),

numbered as (

    select
        customer_id,
        purchase_date,
        row_number() over (partition by customer_id order by purchase_date) as purchase_day_number,
        min(purchase_date) over (partition by customer_id) as first_purchase_date,
        order_count,
        net_revenue_reporting,
        gross_margin_reporting

    from purchase_days

),

final as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(purchase_date as date) as purchase_date,
        cast(purchase_day_number as {{ dbt.type_int() }}) as purchase_day_number,
        cast(first_purchase_date as date) as first_purchase_date,
        cast(order_count as {{ dbt.type_int() }}) as order_count,
        cast(net_revenue_reporting as numeric(18, 2)) as net_revenue_reporting,
        cast(gross_margin_reporting as numeric(18, 2)) as gross_margin_reporting

    from numbered

)

select * from final
