{#-
    Which products and categories keep breaking. Grain: one row per product
    (none for tickets without one) and category with a ticket created on or
    before the as-of date, over the whole history of fct_tickets. A repeat ticket
    = fct_tickets.is_repeat_issue (the same customer's previous ticket on the same
    product and category at most var repeat_issue_days days before). Ranked by
    repeat tickets, then repeat customers, then product and category. The
    customers behind the counts: rpt_repeat_issue_customers.
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
        product_id,
        category,
        customer_id,
        count(*) as ticket_count,
        sum(case when is_repeat_issue then 1 else 0 end) as repeat_ticket_count

    from tickets

    group by product_id, category, customer_id

),

issues as (

    select
        product_id,
        category,
        sum(ticket_count) as ticket_count,
        count(*) as customer_count,
        sum(repeat_ticket_count) as repeat_ticket_count,
        sum(case when repeat_ticket_count > 0 then 1 else 0 end) as repeat_customer_count

    from customer_issues

    group by product_id, category

),

ranked as (

    select
        issues.*,
        products.product_name,
        row_number() over (
            order by
                issues.repeat_ticket_count desc,
                issues.repeat_customer_count desc,
                coalesce(issues.product_id, ''),
                coalesce(issues.category, '')
        ) as repeat_rank

    from issues

    left join products
        on issues.product_id = products.product_id

),

final as (

    select
        cast(
            {{ surrogate_key(["coalesce(product_id, 'none')", "coalesce(category, 'unknown')"]) }}
            as {{ dbt.type_string() }}
        ) as repeat_issue_id,
        cast(repeat_rank as {{ dbt.type_int() }}) as repeat_rank,
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(product_name as {{ dbt.type_string() }}) as product_name,
        cast(category as {{ dbt.type_string() }}) as category,
        cast(ticket_count as {{ dbt.type_int() }}) as ticket_count,
        cast(customer_count as {{ dbt.type_int() }}) as customer_count,
        cast(repeat_ticket_count as {{ dbt.type_int() }}) as repeat_ticket_count,
        cast(repeat_customer_count as {{ dbt.type_int() }}) as repeat_customer_count,
        cast(
            cast(repeat_ticket_count as double precision) / nullif(ticket_count, 0)
            as double precision
        ) as repeat_ticket_share,
        cast(
            cast(repeat_customer_count as double precision) / nullif(customer_count, 0)
            as double precision
        ) as repeat_customer_share,
        cast(
            cast(ticket_count as double precision) / nullif(customer_count, 0)
            as double precision
        ) as tickets_per_customer

    from ranked

)

select * from final
