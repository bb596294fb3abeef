{#-
    One row per accepted opportunity created on or before the as-of date, in the
    state of the latest export, with what every sales model needs of it: owner
    team, lead source, the seed stage probability (one source of truth) beside
    the CRM's own, cycle days, and how far it got in the funnel. fct_opportunities
    adds the money in the reporting currency; int_funnel_stages_reached and
    int_opportunity_month_ends read the same rows, so the as-of filter, the
    lead source rule and the furthest stage are defined once.
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

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

opportunities_as_of as (

    select
        opportunities.*,
        cast(opportunities.created_at as date) as created_date

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

),

final as (

    select
        *,
        cast({{ dbt.date_trunc('month', 'created_date') }} as date) as cohort_month

    from enriched

)

select * from final
