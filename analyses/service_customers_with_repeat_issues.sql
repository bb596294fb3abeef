-- Which customers have repeat issues on a product: every customer with a repeat ticket on the product
-- (set product_id below; the product of the top-ranked repeat issue by default), most repeats first.
-- Compile with `dbt compile -s service_customers_with_repeat_issues` and run the SQL in target/compiled.
with

repeat_issue_customers as (

    select * from {{ ref('rpt_repeat_issue_customers') }}

),

repeat_issues as (

    select * from {{ ref('rpt_repeat_issues') }}

),

chosen_product as (

    select min(product_id) as product_id

    from repeat_issues

    where
        product_id is not null
        and repeat_rank = (
            select min(ranked.repeat_rank)
            from repeat_issues as ranked
            where ranked.product_id is not null and ranked.repeat_ticket_count > 0
        )

),

customers as (

    select
        repeat_issue_customers.customer_id,
        repeat_issue_customers.product_id,
        repeat_issue_customers.product_name,
        repeat_issue_customers.category,
        repeat_issue_customers.ticket_count,
        repeat_issue_customers.repeat_ticket_count,
        repeat_issue_customers.open_ticket_count,
        repeat_issue_customers.latest_repeat_ticket_at

    from repeat_issue_customers

    inner join chosen_product
        on repeat_issue_customers.product_id = chosen_product.product_id

)

select * from customers
order by repeat_ticket_count desc, latest_repeat_ticket_at desc, customer_id asc
