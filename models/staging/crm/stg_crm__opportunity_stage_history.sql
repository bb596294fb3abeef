with

base as (

    select * from {{ ref('base_crm__opportunity_stage_history') }}

),

accepted as (

    select
        stage_history_id,
        opportunity_id,
        stage_name,
        entered_at,
        changed_by_rep_id

    from base

    where rejection_reason is null

)

select * from accepted
