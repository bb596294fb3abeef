{#-
    The shared lead pool week by week (ISO weeks, Monday to Sunday), from the
    week of the first lead to the week of the as-of date. Sizes are the state
    at the end of the week's last day (the as-of date in the as-of week); flows
    count the week's pool events; conversion compares the leads taken from the
    pool in the week with the leads created in the week that never entered the
    pool, both converted by the as-of date. States: int_lead_pool_events_sequenced.
-#}
with

leads as (

    select * from {{ ref('int_lead_milestones_dated') }}

),

pool_events as (

    select * from {{ ref('int_lead_pool_events_sequenced') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

week_bounds as (

    {{ week_spine(
        '(select min(created_date) from leads)',
        '(select as_of_date from as_of)'
    ) | indent(4) }}

),

-- the state of a lead at the end of a day is the state after its last event on or before that
-- day; a lead converted by that day is converted, whatever its events say
states_at_week_end as (

    select
        week_bounds.week_start_date,
        pool_events.lead_id,
        pool_events.state_after,
        {{ dbt.datediff('cast(pool_events.pool_entered_at as date)', 'week_bounds.measured_on_date', 'day') }}
            as days_in_pool

    from week_bounds

    inner join pool_events
        on week_bounds.measured_on_date >= pool_events.event_date
        and (pool_events.next_event_date is null or week_bounds.measured_on_date < pool_events.next_event_date)

    inner join leads
        on pool_events.lead_id = leads.lead_id

    where leads.converted_at is null or cast(leads.converted_at as date) > week_bounds.measured_on_date

),

pool_sizes as (

    select
        week_start_date,
        sum(case when state_after = 'in_pool' then 1 else 0 end) as pool_size_at_week_end,
        sum(case when state_after = 'frozen' then 1 else 0 end) as frozen_at_week_end,
        {{ median("case when state_after = 'in_pool' then days_in_pool end") }} as median_days_in_pool

    from states_at_week_end

    group by week_start_date

),

event_weeks as (

    select
        cast({{ dbt.date_trunc('week', 'event_date') }} as date) as week_start_date,
        lead_id,
        event_type

    from pool_events

),

flows as (

    select
        week_start_date,
        sum(case when event_type = 'released' then 1 else 0 end) as releases,
        sum(case when event_type = 'claimed' then 1 else 0 end) as claims,
        sum(case when event_type = 'reclaimed' then 1 else 0 end) as reclaims,
        sum(case when event_type = 'frozen' then 1 else 0 end) as freezes,
        sum(case when event_type = 'restored' then 1 else 0 end) as restores

    from event_weeks

    group by week_start_date

),

-- taken from the pool: claimed by a rep or reclaimed by its former owner
claimed_leads as (

    select distinct
        event_weeks.week_start_date,
        event_weeks.lead_id,
        leads.converted_at is not null as is_converted

    from event_weeks

    inner join leads
        on event_weeks.lead_id = leads.lead_id

    where event_weeks.event_type in ('claimed', 'reclaimed')

),

claimed_conversion as (

    select
        week_start_date,
        count(*) as leads_claimed_from_pool,
        sum(case when is_converted then 1 else 0 end) as claimed_leads_converted

    from claimed_leads

    group by week_start_date

),

pooled_leads as (

    select distinct lead_id

    from pool_events

    where is_pool_entry

),

never_pooled_conversion as (

    select
        cast({{ dbt.date_trunc('week', 'leads.created_date') }} as date) as week_start_date,
        count(*) as leads_never_pooled,
        sum(case when leads.converted_at is not null then 1 else 0 end) as never_pooled_leads_converted

    from leads

    left join pooled_leads
        on leads.lead_id = pooled_leads.lead_id

    where pooled_leads.lead_id is null

    group by cast({{ dbt.date_trunc('week', 'leads.created_date') }} as date)

),

measured as (

    select
        week_bounds.week_start_date,
        week_bounds.week_end_date,
        week_bounds.measured_on_date,
        week_bounds.is_complete_week,
        coalesce(pool_sizes.pool_size_at_week_end, 0) as pool_size_at_week_end,
        coalesce(pool_sizes.frozen_at_week_end, 0) as frozen_at_week_end,
        pool_sizes.median_days_in_pool,
        coalesce(flows.releases, 0) as releases,
        coalesce(flows.claims, 0) as claims,
        coalesce(flows.reclaims, 0) as reclaims,
        coalesce(flows.freezes, 0) as freezes,
        coalesce(flows.restores, 0) as restores,
        coalesce(claimed_conversion.leads_claimed_from_pool, 0) as leads_claimed_from_pool,
        coalesce(claimed_conversion.claimed_leads_converted, 0) as claimed_leads_converted,
        coalesce(never_pooled_conversion.leads_never_pooled, 0) as leads_never_pooled,
        coalesce(never_pooled_conversion.never_pooled_leads_converted, 0) as never_pooled_leads_converted

    from week_bounds

    left join pool_sizes
        on week_bounds.week_start_date = pool_sizes.week_start_date

    left join flows
        on week_bounds.week_start_date = flows.week_start_date

    left join claimed_conversion
        on week_bounds.week_start_date = claimed_conversion.week_start_date

    left join never_pooled_conversion
        on week_bounds.week_start_date = never_pooled_conversion.week_start_date

),

final as (

    select
        cast(week_start_date as date) as week_start_date,
        cast(week_end_date as date) as week_end_date,
        cast(measured_on_date as date) as measured_on_date,
        cast(is_complete_week as {{ dbt.type_boolean() }}) as is_complete_week,
        cast(pool_size_at_week_end as {{ dbt.type_int() }}) as pool_size_at_week_end,
        cast(frozen_at_week_end as {{ dbt.type_int() }}) as frozen_at_week_end,
        cast(median_days_in_pool as double precision) as median_days_in_pool,
        cast(releases as {{ dbt.type_int() }}) as releases,
        cast(claims as {{ dbt.type_int() }}) as claims,
        cast(reclaims as {{ dbt.type_int() }}) as reclaims,
        cast(freezes as {{ dbt.type_int() }}) as freezes,
        cast(restores as {{ dbt.type_int() }}) as restores,
        cast(leads_claimed_from_pool as {{ dbt.type_int() }}) as leads_claimed_from_pool,
        cast(claimed_leads_converted as {{ dbt.type_int() }}) as claimed_leads_converted,
        cast(
            case
                when leads_claimed_from_pool > 0
                    then cast(claimed_leads_converted as double precision) / leads_claimed_from_pool
            end as double precision
        ) as claimed_conversion_rate,
        cast(leads_never_pooled as {{ dbt.type_int() }}) as leads_never_pooled,
        cast(never_pooled_leads_converted as {{ dbt.type_int() }}) as never_pooled_leads_converted,
        cast(
            case
                when leads_never_pooled > 0
                    then cast(never_pooled_leads_converted as double precision) / leads_never_pooled
            end as double precision
        ) as never_pooled_conversion_rate

    from measured

)

select * from final
