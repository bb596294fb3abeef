{#-
    The MRR bridge: one row per month of int_retention_months_spined. Starting
    MRR = the MRR at the previous month end (fct_customer_months.mrr_at_start_reporting
    summed: the previous row's ending MRR); each customer-month with MRR at
    either end counts in exactly one movement (fct_customer_months.mrr_movement):
    new and reactivation add the ending MRR, expansion adds the increase,
    contraction subtracts the decrease, churned subtracts the starting MRR,
    unchanged carries it. starting + new + expansion - contraction - churned
    + reactivation = ending, to the cent (assert_mrr_movements_bridge_balances).
-#}
with

customer_months as (

    select * from {{ ref('fct_customer_months') }}

),

months as (

    select * from {{ ref('int_retention_months_spined') }}

),

movements as (

    select
        month_start_date,
        sum(mrr_at_start_reporting) as starting_mrr_reporting,
        sum(mrr_reporting) as ending_mrr_reporting,
        sum(case when mrr_reporting > 0 then 1 else 0 end) as ending_customer_count,
        sum(case when mrr_at_start_reporting > 0 then 1 else 0 end) as starting_customer_count,
        sum(case when mrr_movement = 'new' then 1 else 0 end) as new_customer_count,
        sum(case when mrr_movement = 'new' then mrr_reporting else 0 end) as new_mrr_reporting,
        sum(case when mrr_movement = 'expansion' then 1 else 0 end) as expansion_customer_count,
        sum(case when mrr_movement = 'expansion' then mrr_reporting - mrr_at_start_reporting else 0 end)
            as expansion_mrr_reporting,
        sum(case when mrr_movement = 'contraction' then 1 else 0 end) as contraction_customer_count,
        sum(case when mrr_movement = 'contraction' then mrr_at_start_reporting - mrr_reporting else 0 end)
            as contraction_mrr_reporting,
        sum(case when mrr_movement = 'churned' then 1 else 0 end) as churned_customer_count,
        sum(case when mrr_movement = 'churned' then mrr_at_start_reporting else 0 end) as churned_mrr_reporting,
        sum(case when mrr_movement = 'reactivation' then 1 else 0 end) as reactivation_customer_count,
        sum(case when mrr_movement = 'reactivation' then mrr_reporting else 0 end) as reactivation_mrr_reporting,
        sum(case when mrr_movement = 'unchanged' then 1 else 0 end) as unchanged_customer_count,
        sum(case when mrr_movement = 'unchanged' then mrr_reporting else 0 end) as unchanged_mrr_reporting

    from customer_months

    group by month_start_date

),

final as (

    select
        cast(months.month_start_date as date) as month_start_date,
        cast(months.month_end_date as date) as month_end_date,
        cast(months.is_partial_month as {{ dbt.type_boolean() }}) as is_partial_month,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        cast(coalesce(movements.starting_customer_count, 0) as {{ dbt.type_int() }}) as starting_customer_count,
        cast(coalesce(movements.starting_mrr_reporting, 0) as numeric(18, 2)) as starting_mrr_reporting,
        cast(coalesce(movements.new_customer_count, 0) as {{ dbt.type_int() }}) as new_customer_count,
        cast(coalesce(movements.new_mrr_reporting, 0) as numeric(18, 2)) as new_mrr_reporting,
        cast(coalesce(movements.expansion_customer_count, 0) as {{ dbt.type_int() }}) as expansion_customer_count,
        cast(coalesce(movements.expansion_mrr_reporting, 0) as numeric(18, 2)) as expansion_mrr_reporting,
        cast(coalesce(movements.contraction_customer_count, 0) as {{ dbt.type_int() }}) as contraction_customer_count,
        cast(coalesce(movements.contraction_mrr_reporting, 0) as numeric(18, 2)) as contraction_mrr_reporting,
        cast(coalesce(movements.churned_customer_count, 0) as {{ dbt.type_int() }}) as churned_customer_count,
        cast(coalesce(movements.churned_mrr_reporting, 0) as numeric(18, 2)) as churned_mrr_reporting,
        cast(coalesce(movements.reactivation_customer_count, 0) as {{ dbt.type_int() }}) as reactivation_customer_count,
        cast(coalesce(movements.reactivation_mrr_reporting, 0) as numeric(18, 2)) as reactivation_mrr_reporting,
        cast(coalesce(movements.unchanged_customer_count, 0) as {{ dbt.type_int() }}) as unchanged_customer_count,
        cast(coalesce(movements.unchanged_mrr_reporting, 0) as numeric(18, 2)) as unchanged_mrr_reporting,
        cast(coalesce(movements.ending_customer_count, 0) as {{ dbt.type_int() }}) as ending_customer_count,
        cast(coalesce(movements.ending_mrr_reporting, 0) as numeric(18, 2)) as ending_mrr_reporting

    from months

    left join movements
        on months.month_start_date = movements.month_start_date

)

select * from final
