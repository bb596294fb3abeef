{#-
    One row per accepted opportunity created on or before the as-of date, in
    the state of the latest export. Stage probability: the warehouse uses the
    lookup seed stage_probabilities (one source of truth for every weighted
    figure); the CRM's own number is kept as crm_stage_probability.
    Money: amount in its own currency and in the reporting currency, converted
    at the rate of the actual close date for a closed deal and of the as-of date
    for an open one (its value today); null when no fresh rate exists.
-#}
with

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

fx_rates_daily as (

    select * from {{ ref('int_fx_rates_daily') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

valued as (

    select
        opportunities.*,
        case
            when opportunities.is_closed then opportunities.actual_close_date
            else as_of.as_of_date
        end as amount_valued_on_date

    from opportunities

    cross join as_of

),

enriched as (

    select
        valued.*,
        fx_rates_daily.rate_to_reporting as fx_rate_to_reporting,
        valued.amount * fx_rates_daily.rate_to_reporting as amount_reporting

    from valued

    left join fx_rates_daily
        on valued.currency_code = fx_rates_daily.currency_code
        and valued.amount_valued_on_date = fx_rates_daily.rate_date

),

final as (

    select
        cast(opportunity_id as {{ dbt.type_string() }}) as opportunity_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(owner_rep_id as {{ dbt.type_string() }}) as owner_rep_id,
        cast(owner_team as {{ dbt.type_string() }}) as owner_team,
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(lead_source as {{ dbt.type_string() }}) as lead_source,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(created_date as date) as created_date,
        cast(cohort_month as date) as cohort_month,
        cast(expected_close_date as date) as expected_close_date,
        cast(actual_close_date as date) as actual_close_date,
        cast(stage_name as {{ dbt.type_string() }}) as stage_name,
        cast(stage_order as {{ dbt.type_int() }}) as stage_order,
        cast(is_closed as {{ dbt.type_boolean() }}) as is_closed,
        cast(is_won as {{ dbt.type_boolean() }}) as is_won,
        cast(lost_reason as {{ dbt.type_string() }}) as lost_reason,
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,
        cast(amount as numeric(18, 2)) as amount,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        cast(amount_valued_on_date as date) as amount_valued_on_date,
        cast(fx_rate_to_reporting as double precision) as fx_rate_to_reporting,
        cast(amount_reporting as numeric(18, 2)) as amount_reporting,
        cast(stage_probability as double precision) as stage_probability,
        cast(crm_stage_probability as double precision) as crm_stage_probability,
        cast(cast(amount_reporting as numeric(18, 2)) * stage_probability as numeric(18, 2)) as weighted_amount_reporting,
        cast(sales_cycle_days as {{ dbt.type_int() }}) as sales_cycle_days,
        cast(stage_entry_count as {{ dbt.type_int() }}) as stage_entry_count,
        cast(stages_entered_count as {{ dbt.type_int() }}) as stages_entered_count,
        cast(furthest_stage_order as {{ dbt.type_int() }}) as furthest_stage_order,
        cast(furthest_stage_name as {{ dbt.type_string() }}) as furthest_stage_name

    from enriched

)

select * from final
