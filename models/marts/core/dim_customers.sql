{#-
    Order history counts orders placed on or before the as-of date, so a
    back-dated build (var as_of_date) does not see later orders. Only revenue
    orders (not cancelled or refunded) count as purchases and as revenue.
    Lifetime gross margin is null when any counted order's margin is unknown
    (a product without unit cost), 0 for a customer without orders.
-#}
with

customers as (

    select * from {{ ref('stg_crm__customers') }}

),

sales_reps as (

    select * from {{ ref('stg_crm__sales_reps') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

orders_to_date as (

    select orders.*

    from orders

    inner join as_of
        on orders.order_date <= as_of.as_of_date

),

order_history as (

    select
        customer_id,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,
        min(case when is_revenue_order then order_date end) as first_purchase_date,
        max(case when is_revenue_order then order_date end) as last_purchase_date,
        count(*) as order_count,
        sum(case when is_revenue_order then 1 else 0 end) as purchase_count,
        sum(net_revenue_reporting) as lifetime_net_revenue_reporting,
        -- null when any order's margin is unknown (a cost not exported): never a partial sum
        case
            when count(gross_margin_reporting) = count(*) then sum(gross_margin_reporting)
        end as lifetime_gross_margin_reporting

    from orders_to_date

    group by customer_id

),

final as (

    select
        cast(customers.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(customers.customer_type as {{ dbt.type_string() }}) as customer_type,
        cast(customers.full_name as {{ dbt.type_string() }}) as full_name,
        cast(customers.company_name as {{ dbt.type_string() }}) as company_name,
        cast(customers.email_hash as {{ dbt.type_string() }}) as email_hash,
        cast(customers.phone_hash as {{ dbt.type_string() }}) as phone_hash,
        cast(customers.gender as {{ dbt.type_string() }}) as gender,
        cast(customers.birth_date as date) as birth_date,
        cast(customers.country_code as {{ dbt.type_string() }}) as country_code,
        cast(customers.city as {{ dbt.type_string() }}) as city,
        cast(customers.segment as {{ dbt.type_string() }}) as segment,
        cast(customers.industry as {{ dbt.type_string() }}) as industry,
        cast(customers.acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        cast(customers.owner_rep_id as {{ dbt.type_string() }}) as owner_rep_id,
        cast(sales_reps.full_name as {{ dbt.type_string() }}) as owner_rep_name,
        cast(sales_reps.team as {{ dbt.type_string() }}) as owner_team,
        cast(sales_reps.region as {{ dbt.type_string() }}) as owner_region,
        cast(customers.created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(customers.updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(order_history.first_order_date as date) as first_order_date,
        cast(order_history.last_order_date as date) as last_order_date,
        cast(order_history.first_purchase_date as date) as first_purchase_date,
        cast(order_history.last_purchase_date as date) as last_purchase_date,
        cast(coalesce(order_history.order_count, 0) as {{ dbt.type_int() }}) as order_count,
        cast(coalesce(order_history.purchase_count, 0) as {{ dbt.type_int() }}) as purchase_count,
        cast(coalesce(order_history.lifetime_net_revenue_reporting, 0) as numeric(18, 2))
            as lifetime_net_revenue_reporting,
        cast(
            case when order_history.customer_id is null then 0 else order_history.lifetime_gross_margin_reporting end
            as numeric(18, 2)
        ) as lifetime_gross_margin_reporting,
        cast(coalesce(order_history.purchase_count, 0) > 0 as {{ dbt.type_boolean() }}) as has_purchased

    from customers

    left join sales_reps
        on customers.owner_rep_id = sales_reps.rep_id

    left join order_history
        on customers.customer_id = order_history.customer_id

)

select * from final
