-- Which leads are going cold: open leads due back to the shared pool (their owner has not
-- followed up in time) and the longest-unattended leads in the pool, by days unattended.
-- Compile with `dbt compile -s sales_lead_going_cold` and run the SQL in target/compiled.
with

lead_pool as (

    select * from {{ ref('fct_lead_pool') }}

),

going_cold as (

    select
        lead_id,
        lead_source,
        pool_state,
        owned_by_rep_id,
        owned_since_at,
        pool_entered_at,
        last_follow_up_at,
        days_unattended,
        is_due_to_pool,
        release_count

    from lead_pool

    where is_due_to_pool or pool_state = 'in_pool'

)

select * from going_cold
order by is_due_to_pool desc, days_unattended desc
