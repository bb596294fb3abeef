{#-
    The shared lead pool's state machine, one row per pool event. Each event
    type moves the lead to one state: released -> in_pool, claimed -> owned,
    reclaimed -> owned, frozen -> frozen, restored -> in_pool. The event log is
    the CRM's record of what happened, so every event applies, in order
    (event_at, then pool_event_id); an event whose expected prior state differs
    (a claim of an owned lead, a restore of a lead that was not frozen) still
    applies and is flagged is_in_sequence = false. A lead starts owned.
    Events dated after the as-of date, and events of leads created after it, are left out.
-#}
with

events as (

    select * from {{ ref('stg_crm__lead_pool_events') }}

),

leads as (

    select * from {{ ref('int_lead_milestones_dated') }}

),

events_to_as_of as (

    select
        events.pool_event_id,
        events.lead_id,
        events.event_type,
        events.rep_id,
        events.event_at,
        cast(events.event_at as date) as event_date,
        events.event_reason,
        case events.event_type
            when 'released' then 'owned'
            when 'frozen' then 'in_pool'
            when 'restored' then 'frozen'
            else 'in_pool'
        end as expected_state_before,
        case events.event_type
            when 'released' then 'in_pool'
            when 'restored' then 'in_pool'
            when 'frozen' then 'frozen'
            else 'owned'
        end as state_after

    from events

    inner join leads
        on events.lead_id = leads.lead_id

    where cast(events.event_at as date) <= leads.as_of_date

),

sequenced as (

    select
        *,
        row_number() over (partition by lead_id order by event_at, pool_event_id) as event_sequence,
        coalesce(
            lag(state_after) over (partition by lead_id order by event_at, pool_event_id), 'owned'
        ) as state_before,
        lead(event_at) over (partition by lead_id order by event_at, pool_event_id) as next_event_at

    from events_to_as_of

),

-- a pool spell starts when a lead that was not in the pool enters it (released or restored)
spells as (

    select
        *,
        state_before = expected_state_before as is_in_sequence,
        state_after = 'in_pool' and state_before <> 'in_pool' as is_pool_entry,
        max(case when state_after = 'in_pool' and state_before <> 'in_pool' then event_at end) over (
            partition by lead_id order by event_sequence rows between unbounded preceding and current row
        ) as latest_pool_entry_at

    from sequenced

),

final as (

    select
        pool_event_id,
        lead_id,
        event_type,
        rep_id,
        event_at,
        event_date,
        event_reason,
        cast(event_sequence as {{ dbt.type_int() }}) as event_sequence,
        state_before,
        state_after,
        is_in_sequence,
        is_pool_entry,
        case when state_after = 'in_pool' then latest_pool_entry_at end as pool_entered_at,
        next_event_at,
        cast(next_event_at as date) as next_event_date

    from spells

)

select * from final
