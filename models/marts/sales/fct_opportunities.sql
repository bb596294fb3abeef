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

    select * from {{ ref('stg_crm__opportunities') }}

),

stage_entries as (

    select * from {{ ref('int_opportunity_stages_ordered') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

sales_reps as (

    select * from {{ ref('stg_crm__sales_reps') }}

),

stage_probabilities as (

    select * from {{ ref('stage_probabilities') }}

),

fx_rates_daily as (

    select * from {{ ref('int_fx_rates_daily') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

opportunities_as_of as (

    select
        opportunities.*,
        cast(opportunities.created_at as date) as created_date,
        case
            when opportunities.is_closed then opportunities.actual_close_date
            else as_of.as_of_date
        end as amount_valued_on_date

    from opportunities

    cross join as_of

    where cast(opportunities.created_at as date) <= as_of.as_of_date

),

-- The stages an opportunity was in: every history entry, plus its current stage (an export may
-- lack the history of a stage it reports).
stages_seen as (

    select
        opportunity_id,
        stage_name,
        stage_order

    from stage_entries

    union

    select
        opportunities_as_of.opportunity_id,
        opportunities_as_of.stage_name,
        cast(stage_probabilities.stage_order as {{ dbt.type_int() }}) as stage_order

    from opportunities_as_of

    inner join stage_probabilities
        on opportunities_as_of.stage_name = stage_probabilities.stage_name

),

-- closed_lost leaves the funnel where the deal was: it reaches no stage. Every opportunity entered
-- the funnel, so the furthest stage is at least the first.
stage_reach as (

    select
        opportunity_id,
        count(distinct stage_name) as stages_entered_count,
        max(case when stage_name <> 'closed_lost' then stage_order else 1 end) as furthest_stage_order

    from stages_seen

    group by opportunity_id

),

history_counts as (

    select
        opportunity_id,
        count(*) as stage_entry_count

    from stage_entries

    group by opportunity_id

),

furthest_stage_names as (

    select
        stage_name as furthest_stage_name,
        cast(stage_order as {{ dbt.type_int() }}) as stage_order

    from stage_probabilities

    where stage_name <> 'closed_lost'

),

enriched as (

    select
        opportunities_as_of.opportunity_id,
        opportunities_as_of.customer_id,
        opportunities_as_of.lead_id,
        opportunities_as_of.owner_rep_id,
        sales_reps.team as owner_team,
        opportunities_as_of.product_id,
        case
            when opportunities_as_of.lead_id is null then 'direct'
            else coalesce(leads.lead_source, 'unknown')
        end as lead_source,
        opportunities_as_of.created_at,
        opportunities_as_of.created_date,
        opportunities_as_of.expected_close_date,
        opportunities_as_of.actual_close_date,
        opportunities_as_of.stage_name,
        stage_probabilities.stage_order,
        opportunities_as_of.is_closed,
        opportunities_as_of.is_won,
        opportunities_as_of.lost_reason,
        opportunities_as_of.currency_code,
        opportunities_as_of.amount,
        fx_rates_daily.rate_to_reporting as fx_rate_to_reporting,
        opportunities_as_of.amount_valued_on_date,
        opportunities_as_of.amount * fx_rates_daily.rate_to_reporting as amount_reporting,
        stage_probabilities.win_probability as stage_probability,
        opportunities_as_of.stage_probability_pct / 100.0 as crm_stage_probability,
        case
            when opportunities_as_of.is_closed
                then {{ dbt.datediff('opportunities_as_of.created_date', 'opportunities_as_of.actual_close_date', 'day') }}
        end as sales_cycle_days,
        coalesce(history_counts.stage_entry_count, 0) as stage_entry_count,
        stage_reach.stages_entered_count,
        stage_reach.furthest_stage_order,
        furthest_stage_names.furthest_stage_name

    from opportunities_as_of

    inner join stage_probabilities
        on opportunities_as_of.stage_name = stage_probabilities.stage_name

    inner join stage_reach
        on opportunities_as_of.opportunity_id = stage_reach.opportunity_id

    inner join furthest_stage_names
        on stage_reach.furthest_stage_order = furthest_stage_names.stage_order

    left join history_counts
        on opportunities_as_of.opportunity_id = history_counts.opportunity_id

    left join leads
        on opportunities_as_of.lead_id = leads.lead_id

    left join sales_reps
        on opportunities_as_of.owner_rep_id = sales_reps.rep_id

    left join fx_rates_daily
        on opportunities_as_of.currency_code = fx_rates_daily.currency_code
        and opportunities_as_of.amount_valued_on_date = fx_rates_daily.rate_date

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
        cast({{ dbt.date_trunc('month', 'created_date') }} as date) as cohort_month,
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
