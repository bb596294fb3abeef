{#-
    The alert list: customers in the high churn risk band at the as-of date,
    ranked by value at risk. MRR at the as-of date = fct_customer_months'
    mrr_reporting in the as-of month (its month end is the as-of date: the
    contracts in force, each at the rate of its start date); null when a
    contract in force could not be converted (never a partial sum). CLV = the predicted CLV of
    fct_customer_clv where there is one (engines with dbt Python models), else
    its formula CLV. Value at risk = the greater of MRR x 12 and the CLV (a
    missing one counts as 0).
-#}
with

scored as (

    select * from {{ ref('int_churn_risk_customers_scored') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

customer_months as (

    select * from {{ ref('fct_customer_months') }}

),

customer_clv as (

    select * from {{ ref('fct_customer_clv') }}

),

high_risk as (

    select *

    from scored

    where
        reference_point = 'current'
        and churn_risk_band = 'high'

),

-- the MRR of the as-of month's row (its month end is the as-of date), null when a
-- contract in force could not be converted (never a partial sum) or none is in force
contract_mrr as (

    select
        high_risk.customer_id,
        case
            when
                customer_months.activity_basis = 'contract'
                and customer_months.unconverted_contract_count = 0
                then customer_months.mrr_reporting
        end as mrr_reporting

    from high_risk

    inner join customer_months
        on high_risk.customer_id = customer_months.customer_id
        and high_risk.reference_date = customer_months.month_end_date

),

valued as (

    select
        high_risk.*,
        customers.customer_type,
        coalesce(customers.company_name, customers.full_name) as customer_name,
        customers.segment,
        customers.owner_rep_id,
        customers.owner_rep_name,
        customers.owner_team,
        contract_mrr.mrr_reporting,
        round(cast(contract_mrr.mrr_reporting * 12 as numeric(38, 6)), 2) as annual_mrr_reporting,
        coalesce(customer_clv.predicted_clv_reporting, customer_clv.formula_clv_reporting) as clv_reporting,
        case
            when customer_clv.predicted_clv_reporting is not null then 'predicted'
            when customer_clv.formula_clv_reporting is not null then 'formula'
        end as clv_basis

    from high_risk

    left join customers
        on high_risk.customer_id = customers.customer_id

    left join contract_mrr
        on high_risk.customer_id = contract_mrr.customer_id

    left join customer_clv
        on high_risk.customer_id = customer_clv.customer_id

),

at_risk as (

    select
        *,
        case
            when annual_mrr_reporting is null and clv_reporting is null then 'none'
            when coalesce(annual_mrr_reporting, 0) >= coalesce(clv_reporting, 0) then 'annual_mrr'
            else 'clv'
        end as value_at_risk_basis,
        case
            when coalesce(annual_mrr_reporting, 0) >= coalesce(clv_reporting, 0) then coalesce(annual_mrr_reporting, 0)
            else clv_reporting
        end as value_at_risk_reporting

    from valued

),

ranked as (

    select
        *,
        row_number() over (order by value_at_risk_reporting desc, churn_risk_score desc, customer_id asc) as alert_rank

    from at_risk

),

final as (

    select
        cast(alert_rank as {{ dbt.type_int() }}) as alert_rank,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(reference_date as date) as as_of_date,
        cast(customer_name as {{ dbt.type_string() }}) as customer_name,
        cast(customer_type as {{ dbt.type_string() }}) as customer_type,
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(owner_rep_id as {{ dbt.type_string() }}) as owner_rep_id,
        cast(owner_rep_name as {{ dbt.type_string() }}) as owner_rep_name,
        cast(owner_team as {{ dbt.type_string() }}) as owner_team,
        cast(churn_risk_score as {{ dbt.type_int() }}) as churn_risk_score,
        cast(fired_signal_count as {{ dbt.type_int() }}) as fired_signal_count,
        cast(churn_risk_reasons as {{ dbt.type_string() }}) as churn_risk_reasons,
        cast(suggested_next_steps as {{ dbt.type_string() }}) as suggested_next_steps,
        cast(mrr_reporting as numeric(18, 2)) as mrr_reporting,
        cast(annual_mrr_reporting as numeric(18, 2)) as annual_mrr_reporting,
        cast(clv_reporting as numeric(18, 2)) as clv_reporting,
        cast(clv_basis as {{ dbt.type_string() }}) as clv_basis,
        cast(value_at_risk_reporting as numeric(18, 2)) as value_at_risk_reporting,
        cast(value_at_risk_basis as {{ dbt.type_string() }}) as value_at_risk_basis,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code

    from ranked

)

select * from final

order by alert_rank
