{#-
    One row per lead created on or before the as-of date: its place in the
    shared lead pool as of that date (state machine: int_lead_pool_events_sequenced).
    A converted lead (an opportunity or a customer by the as-of date) is
    converted whatever its pool events say.
-#}
with

leads as (

    select * from {{ ref('int_lead_milestones_dated') }}

),

pool_events as (

    select * from {{ ref('int_lead_pool_events_sequenced') }}

),

event_counts as (

    select
        lead_id,
        count(*) as event_count,
        sum(case when event_type = 'released' then 1 else 0 end) as release_count,
        sum(case when event_type = 'claimed' then 1 else 0 end) as claim_count,
        sum(case when event_type = 'reclaimed' then 1 else 0 end) as reclaim_count,
        sum(case when event_type = 'frozen' then 1 else 0 end) as freeze_count,
        sum(case when event_type = 'restored' then 1 else 0 end) as restore_count,
        sum(case when is_in_sequence then 0 else 1 end) as out_of_sequence_event_count,
        sum(case when is_pool_entry then 1 else 0 end) as pool_entry_count,
        min(case when is_pool_entry then event_at end) as first_pooled_at

    from pool_events

    group by lead_id

),

last_events as (

    select
        lead_id,
        event_type as last_event_type,
        event_at as last_event_at,
        rep_id as last_event_rep_id,
        state_after as last_event_state,
        pool_entered_at

    from pool_events

    where next_event_at is null

),

-- the owner's window runs from when they got the lead: its creation, or the claim or
-- reclaim that gave it to them
states as (

    select
        leads.lead_id,
        leads.lead_source,
        leads.owner_rep_id,
        leads.created_at,
        leads.converted_at,
        leads.is_converted,
        leads.last_follow_up_at,
        leads.as_of_date,
        case
            when leads.is_converted then 'converted'
            else coalesce(last_events.last_event_state, 'owned')
        end as pool_state,
        case
            when leads.is_converted then leads.converted_at
            when last_events.last_event_at is not null then last_events.last_event_at
            else leads.created_at
        end as state_since_at,
        case
            when last_events.last_event_state = 'owned' then coalesce(last_events.last_event_rep_id, leads.owner_rep_id)
            when last_events.lead_id is null then leads.owner_rep_id
        end as owned_by_rep_id,
        case
            when last_events.last_event_state = 'owned' then last_events.last_event_at
            when last_events.lead_id is null then leads.created_at
        end as owned_since_at,
        last_events.pool_entered_at,
        last_events.last_event_type,
        last_events.last_event_at,
        coalesce(event_counts.release_count, 0) as release_count,
        coalesce(event_counts.claim_count, 0) as claim_count,
        coalesce(event_counts.reclaim_count, 0) as reclaim_count,
        coalesce(event_counts.freeze_count, 0) as freeze_count,
        coalesce(event_counts.restore_count, 0) as restore_count,
        coalesce(event_counts.out_of_sequence_event_count, 0) as out_of_sequence_event_count,
        coalesce(event_counts.pool_entry_count, 0) as pool_entry_count,
        event_counts.first_pooled_at,
        -- the clock of days unattended restarts at creation, at every completed
        -- activity and at every pool event (a hand-over)
        case
            when
                last_events.last_event_at is not null
                and (leads.last_follow_up_at is null or last_events.last_event_at > leads.last_follow_up_at)
                and last_events.last_event_at > leads.created_at
                then last_events.last_event_at
            when leads.last_follow_up_at is not null and leads.last_follow_up_at > leads.created_at
                then leads.last_follow_up_at
            else leads.created_at
        end as last_touched_at

    from leads

    left join event_counts
        on leads.lead_id = event_counts.lead_id

    left join last_events
        on leads.lead_id = last_events.lead_id

),

final as (

    select
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(lead_source as {{ dbt.type_string() }}) as lead_source,
        cast(owner_rep_id as {{ dbt.type_string() }}) as owner_rep_id,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(pool_state as {{ dbt.type_string() }}) as pool_state,
        cast(state_since_at as {{ dbt.type_timestamp() }}) as state_since_at,
        cast(case when pool_state = 'owned' then owned_by_rep_id end as {{ dbt.type_string() }}) as owned_by_rep_id,
        cast(case when pool_state = 'owned' then owned_since_at end as {{ dbt.type_timestamp() }}) as owned_since_at,
        cast(case when pool_state = 'in_pool' then pool_entered_at end as {{ dbt.type_timestamp() }})
            as pool_entered_at,
        cast(last_follow_up_at as {{ dbt.type_timestamp() }}) as last_follow_up_at,
        cast(last_touched_at as {{ dbt.type_timestamp() }}) as last_touched_at,
        cast(
            case
                when pool_state <> 'converted'
                    then {{ dbt.datediff('cast(last_touched_at as date)', 'as_of_date', 'day') }}
            end as {{ dbt.type_int() }}
        ) as days_unattended,
        cast(
            pool_state = 'owned'
            and (last_follow_up_at is null or last_follow_up_at < owned_since_at)
            and {{ dbt.datediff('cast(owned_since_at as date)', 'as_of_date', 'day') }}
            >= {{ var('lead_pool_follow_up_days') }}
            as {{ dbt.type_boolean() }}
        ) as is_due_to_pool,
        cast(pool_entry_count > 0 as {{ dbt.type_boolean() }}) as is_ever_pooled,
        cast(first_pooled_at as {{ dbt.type_timestamp() }}) as first_pooled_at,
        cast(release_count as {{ dbt.type_int() }}) as release_count,
        cast(claim_count as {{ dbt.type_int() }}) as claim_count,
        cast(reclaim_count as {{ dbt.type_int() }}) as reclaim_count,
        cast(freeze_count as {{ dbt.type_int() }}) as freeze_count,
        cast(restore_count as {{ dbt.type_int() }}) as restore_count,
        cast(out_of_sequence_event_count as {{ dbt.type_int() }}) as out_of_sequence_event_count,
        cast(last_event_type as {{ dbt.type_string() }}) as last_event_type,
        cast(last_event_at as {{ dbt.type_timestamp() }}) as last_event_at,
        cast(is_converted as {{ dbt.type_boolean() }}) as is_converted,
        cast(converted_at as {{ dbt.type_timestamp() }}) as converted_at,
        cast(as_of_date as date) as as_of_date

    from states

)

select * from final
