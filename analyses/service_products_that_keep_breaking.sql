-- Which products and categories keep breaking: the 20 product x category pairs with the most repeat tickets
-- (the same customer, product and category within repeat_issue_days), with their shares.
-- Compile with `dbt compile -s service_products_that_keep_breaking` and run the SQL in target/compiled.
with

repeat_issues as (

    select * from {{ ref('rpt_repeat_issues') }}

),

top_issues as (

    select
        repeat_rank,
        product_id,
        product_name,
        category,
        ticket_count,
        customer_count,
        repeat_ticket_count,
        repeat_customer_count,
        repeat_ticket_share,
        tickets_per_customer

    from repeat_issues

    where repeat_rank <= 20

)

select * from top_issues
order by repeat_rank asc
