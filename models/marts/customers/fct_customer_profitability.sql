{#-
    Customer profitability to the as-of date. Grain: one row per customer of
    dim_customers, buyers or not (a customer who never bought can still cost
    tickets and retention spend, and every allocated cent must land on a row).
    Net revenue and gross margin are dim_customers' lifetime figures (revenue
    orders to the as-of date: the same sums as int_customer_purchase_days).
    Cost to serve = support ticket cost (int_customer_support_tickets_costed)
    + retention spend allocated (int_customer_retention_spend_allocated).
    Profit = gross margin - cost to serve; null when the gross margin is
    unknown (a product cost not exported), never a partial figure.
-#}
with

customers as (

    select * from {{ ref('dim_customers') }}

),

tickets as (

    select * from {{ ref('int_customer_support_tickets_costed') }}

),

retention_spend as (

    select * from {{ ref('int_customer_retention_spend_allocated') }}

),

ticket_costs as (

    select
        customer_id,
        count(*) as support_ticket_count,
        sum(ticket_cost_reporting) as support_cost_reporting

    from tickets

    group by customer_id

),

retention_costs as (

    select
        customer_id,
        count(distinct campaign_id) as retention_campaign_count,
        sum(allocated_reporting) as retention_spend_reporting

    from retention_spend

    group by customer_id

),

costed as (

    select
        customers.customer_id,
        customers.has_purchased,
        customers.lifetime_net_revenue_reporting as net_revenue_reporting,
        customers.lifetime_gross_margin_reporting as gross_margin_reporting,
        coalesce(ticket_costs.support_ticket_count, 0) as support_ticket_count,
        coalesce(ticket_costs.support_cost_reporting, 0) as support_cost_reporting,
        coalesce(retention_costs.retention_campaign_count, 0) as retention_campaign_count,
        coalesce(retention_costs.retention_spend_reporting, 0) as retention_spend_reporting,
        coalesce(ticket_costs.support_cost_reporting, 0) + coalesce(retention_costs.retention_spend_reporting, 0)
            as cost_to_serve_reporting

    from customers

    left join ticket_costs
        on customers.customer_id = ticket_costs.customer_id

    left join retention_costs
        on customers.customer_id = retention_costs.customer_id

),

profits as (

    select
        *,
        gross_margin_reporting - cost_to_serve_reporting as profit_reporting

    from costed

),

final as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(has_purchased as {{ dbt.type_boolean() }}) as has_purchased,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        cast(net_revenue_reporting as numeric(18, 2)) as net_revenue_reporting,
        cast(gross_margin_reporting as numeric(18, 2)) as gross_margin_reporting,
        cast(support_ticket_count as {{ dbt.type_int() }}) as support_ticket_count,
        cast(support_cost_reporting as numeric(18, 2)) as support_cost_reporting,
        cast(retention_campaign_count as {{ dbt.type_int() }}) as retention_campaign_count,
        cast(retention_spend_reporting as numeric(18, 2)) as retention_spend_reporting,
        cast(cost_to_serve_reporting as numeric(18, 2)) as cost_to_serve_reporting,
        cast(profit_reporting as numeric(18, 2)) as profit_reporting,
        cast(
            case
                when net_revenue_reporting <> 0
                    then cast(profit_reporting as double precision) / cast(net_revenue_reporting as double precision)
            end
            as double precision
        ) as profit_margin_share

    from profits

)

select * from final
