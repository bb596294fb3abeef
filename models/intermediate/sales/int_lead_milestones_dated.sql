{#- A table, not a view: several models and data tests read it, and as a view each of them recomputed it (issue 14). -#}
{{ config(materialized='table') }}
{#-
    One row per lead created on or before the as-of date, with its conversion
    milestones and its last completed activity as of that date. Anything dated
    after the as-of date (opportunities, conversions, activities) is ignored, so
    a back-dated build sees the leads as they were then.
-#}
with

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

leads_to_as_of as (

    select
        leads.lead_id,
        coalesce(leads.lead_source, 'unknown') as lead_source,
        leads.owner_rep_id,
        leads.created_at,
        cast(leads.created_at as date) as created_date,
        case
            when cast(leads.converted_at as date) <= as_of.as_of_date then leads.converted_at
        end as customer_converted_at,
        as_of.as_of_date

    from leads

    cross join as_of

    where cast(leads.created_at as date) <= as_of.as_of_date

),

first_opportunities as (

    select
        opportunities.lead_id,
        min(opportunities.created_at) as first_opportunity_at

    from opportunities

    cross join as_of

    where
        opportunities.lead_id is not null
        and cast(opportunities.created_at as date) <= as_of.as_of_date

    group by opportunities.lead_id

),

-- a follow-up is a completed activity on the lead (a scheduled one is not yet a touch)
follow_ups as (

    select
        activities.lead_id,
        max(activities.completed_at) as last_follow_up_at,
        count(*) as follow_up_count

    from activities

    cross join as_of

    where
        activities.lead_id is not null
        and cast(activities.completed_at as date) <= as_of.as_of_date

    group by activities.lead_id

),

milestones as (

    select
        leads_to_as_of.lead_id,
        leads_to_as_of.lead_source,
        leads_to_as_of.owner_rep_id,
        leads_to_as_of.created_at,
        leads_to_as_of.created_date,
        first_opportunities.first_opportunity_at,
        leads_to_as_of.customer_converted_at,
        case
            when first_opportunities.first_opportunity_at is null then leads_to_as_of.customer_converted_at
            when leads_to_as_of.customer_converted_at is null then first_opportunities.first_opportunity_at
            when first_opportunities.first_opportunity_at <= leads_to_as_of.customer_converted_at
                then first_opportunities.first_opportunity_at
            else leads_to_as_of.customer_converted_at
        end as converted_at,
        follow_ups.last_follow_up_at,
        coalesce(follow_ups.follow_up_count, 0) as follow_up_count,
        leads_to_as_of.as_of_date

    from leads_to_as_of

    left join first_opportunities
        on leads_to_as_of.lead_id = first_opportunities.lead_id

    left join follow_ups
        on leads_to_as_of.lead_id = follow_ups.lead_id

),

-- idle days count from the later of creation and the last follow-up (a follow-up dated
-- before the lead's creation does not make it older)
idle as (

    select
        *,
        {{ lead_last_touch_date('created_date', 'last_follow_up_at') | indent(8) }} as last_touch_date

    from milestones

),

aged as (

    select
        *,
        {{ dbt.datediff('last_touch_date', 'as_of_date', 'day') }}
            as days_since_last_touch

    from idle

),

final as (

    select
        lead_id,
        lead_source,
        owner_rep_id,
        created_at,
        created_date,
        first_opportunity_at,
        customer_converted_at,
        converted_at,
        first_opportunity_at is not null as is_converted_to_opportunity,
        customer_converted_at is not null as is_converted_to_customer,
        converted_at is not null as is_converted,
        case
            when first_opportunity_at is not null
                then {{ dbt.datediff('created_date', 'cast(first_opportunity_at as date)', 'day') }}
        end as days_to_opportunity,
        case
            when customer_converted_at is not null
                then {{ dbt.datediff('created_date', 'cast(customer_converted_at as date)', 'day') }}
        end as days_to_customer,
        last_follow_up_at,
        follow_up_count,
        last_touch_date,
        days_since_last_touch,
        {{ lead_is_abandoned('converted_at is not null', 'last_touch_date', 'as_of_date') }} as is_abandoned,
        as_of_date

    from aged

)

select * from final
