-- How much recurring revenue moved each month and why: the MRR bridge from starting to
-- ending MRR (new, expansion, contraction, churned, reactivation, unchanged), last 12 months;
-- the as-of month is partial (is_partial_month).
-- Compile with `dbt compile -s retention_mrr_bridge` and run the SQL in target/compiled.
with

mrr_movements as (

    select * from {{ ref('rpt_mrr_movements_monthly') }}

),

bridge as (

    select
        month_start_date,
        is_partial_month,
        starting_mrr_reporting,
        new_mrr_reporting,
        expansion_mrr_reporting,
        contraction_mrr_reporting,
        churned_mrr_reporting,
        reactivation_mrr_reporting,
        ending_mrr_reporting,
        ending_mrr_reporting - starting_mrr_reporting as net_mrr_change_reporting,
        new_customer_count,
        churned_customer_count

    from mrr_movements

)

select * from bridge
order by month_start_date desc
limit 12
