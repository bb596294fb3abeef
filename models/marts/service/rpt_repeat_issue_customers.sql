{#-
    The customers behind rpt_repeat_issues: which customers have repeat issues
    on which product and category. Grain: one row per customer, product (none
    for tickets without one) and category with at least one repeat ticket
    (fct_tickets.is_repeat_issue), over the tickets created on or before the
    as-of date.
-#}
with

tickets as (

    select * from {{ ref('fct_tickets') }}

),

products as (

    select * from {{ ref('dim_products') }}

),

customer_issues as (

    select
        customer_id,
        product_id,
        category,
        count(*) as ticket_count,
        sum(case when is_repeat_issue then 1 else 0 end) as repeat_ticket_count,
        sum(case when is_open then 1 else 0 end) as open_ticket_count,
        min(created_at) as first_ticket_at,
        max(created_at) as latest_ticket_at,
        max(case when is_repeat_issue then created_at end) as latest_repeat_ticket_at

    from tickets

    group by customer_id, product_id, category

),

final as (

    select
        cast(
            {{ surrogate_key(['customer_issues.customer_id', "coalesce(customer_issues.product_id, 'none')",
                "coalesce(customer_issues.category, 'unknown')"]) }}
            as {{ dbt.type_string() }}
        ) as repeat_issue_customer_id,
        cast(
            {{ surrogate_key(["coalesce(customer_issues.product_id, 'none')", "coalesce(customer_issues.category, 'unknown')"]) }}
            as {{ dbt.type_string() }}
        ) as repeat_issue_id,
        cast(customer_issues.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(customer_issues.product_id as {{ dbt.type_string() }}) as product_id,
        cast(products.product_name as {{ dbt.type_string() }}) as product_name,
        cast(customer_issues.category as {{ dbt.type_string() }}) as category,
        cast(customer_issues.ticket_count as {{ dbt.type_int() }}) as ticket_count,
        cast(customer_issues.repeat_ticket_count as {{ dbt.type_int() }}) as repeat_ticket_count,
        cast(customer_issues.open_ticket_count as {{ dbt.type_int() }}) as open_ticket_count,
        cast(customer_issues.first_ticket_at as {{ dbt.type_timestamp() }}) as first_ticket_at,
        cast(customer_issues.latest_ticket_at as {{ dbt.type_timestamp() }}) as latest_ticket_at,
        cast(customer_issues.latest_repeat_ticket_at as {{ dbt.type_timestamp() }}) as latest_repeat_ticket_at

    from customer_issues

    left join products
        on customer_issues.product_id = products.product_id

    where customer_issues.repeat_ticket_count > 0

)

select * from final
