-- The MRR bridge balances, to the cent, every month (rpt_mrr_movements_monthly):
-- starting + new + expansion - contraction - churned + reactivation = ending;
-- the starting MRR is the previous month's ending MRR (0 in the first month);
-- the ending MRR is the MRR of fct_customer_months in the month; and the
-- customers with MRR at the end are the new, expansion, contraction,
-- reactivation and unchanged ones. Returns a row per month that does not.
with

movements as (

    select * from {{ ref('rpt_mrr_movements_monthly') }}

),

customer_months as (

    select * from {{ ref('fct_customer_months') }}

),

month_totals as (

    select
        month_start_date,
        sum(mrr_reporting) as mrr_reporting

    from customer_months

    group by month_start_date

),

checked as (

    select
        movements.month_start_date,
        movements.starting_mrr_reporting,
        movements.ending_mrr_reporting,
        movements.starting_mrr_reporting
        + movements.new_mrr_reporting
        + movements.expansion_mrr_reporting
        - movements.contraction_mrr_reporting
        - movements.churned_mrr_reporting
        + movements.reactivation_mrr_reporting as bridged_mrr_reporting,
        coalesce(
            lag(movements.ending_mrr_reporting) over (order by movements.month_start_date), 0
        ) as previous_ending_mrr_reporting,
        coalesce(month_totals.mrr_reporting, 0) as customer_months_mrr_reporting,
        movements.ending_customer_count,
        movements.new_customer_count
        + movements.expansion_customer_count
        + movements.contraction_customer_count
        + movements.reactivation_customer_count
        + movements.unchanged_customer_count as customers_with_mrr_count

    from movements

    left join month_totals
        on movements.month_start_date = month_totals.month_start_date

)

select *

from checked

where
    bridged_mrr_reporting <> ending_mrr_reporting
    or starting_mrr_reporting <> previous_ending_mrr_reporting
    or ending_mrr_reporting <> customer_months_mrr_reporting
    or ending_customer_count <> customers_with_mrr_count
