{#-
    One row per opportunity per funnel stage (lead, qualified, proposal,
    negotiation, closed_won: stage_order 1 to 5), every stage whether reached
    or not, with the opportunity's breakdown keys: the input of
    rpt_funnel_conversion_monthly.
    Reached: the furthest stage of int_opportunities_enriched (the one definition) is at
    or beyond the stage, so a skipped stage counts as passed and a lost deal
    reaches nothing beyond the furthest open stage it was in.
    Null breakdown keys are labelled 'unassigned' (no owner, an owner without a
    team, no product); lead_source is never null (direct / unknown).
-#}
with

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

stage_entries as (

    select * from {{ ref('int_opportunity_stages_ordered') }}

),

stage_probabilities as (

    select * from {{ ref('stage_probabilities') }}

),

funnel_stages as (

    select
        stage_name,
        cast(stage_order as {{ dbt.type_int() }}) as stage_order

    from stage_probabilities

    where stage_name <> 'closed_lost'

),

entry_counts as (

    select
        opportunity_id,
        stage_name,
        count(*) as entry_count

    from stage_entries

    group by opportunity_id, stage_name

),

reached as (

    select
        opportunities.opportunity_id,
        opportunities.cohort_month,
        opportunities.lead_source,
        coalesce(opportunities.owner_rep_id, 'unassigned') as owner_rep_id,
        coalesce(opportunities.owner_team, 'unassigned') as owner_team,
        coalesce(opportunities.product_id, 'unassigned') as product_id,
        funnel_stages.stage_name,
        funnel_stages.stage_order,
        opportunities.furthest_stage_order >= funnel_stages.stage_order as is_reached,
        coalesce(entry_counts.entry_count, 0) as entry_count

    from opportunities

    cross join funnel_stages

    left join entry_counts
        on opportunities.opportunity_id = entry_counts.opportunity_id
        and funnel_stages.stage_name = entry_counts.stage_name

),

final as (

    select
        {{ surrogate_key(['opportunity_id', 'stage_name']) }} as opportunity_stage_id,
        opportunity_id,
        cohort_month,
        lead_source,
        owner_rep_id,
        owner_team,
        product_id,
        stage_name,
        stage_order,
        is_reached,
        is_reached and entry_count = 0 as is_skipped,
        entry_count

    from reached

)

select * from final
