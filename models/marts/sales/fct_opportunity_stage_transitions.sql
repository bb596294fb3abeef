{#- One row per opportunity per stage entered, in time order (see int_opportunity_stages_ordered). -#}
with

stage_entries as (

    select * from {{ ref('int_opportunity_stages_ordered') }}

),

opportunities as (

    select * from {{ ref('stg_crm__opportunities') }}

),

final as (

    select
        cast(stage_entries.stage_history_id as {{ dbt.type_string() }}) as stage_history_id,
        cast(stage_entries.opportunity_id as {{ dbt.type_string() }}) as opportunity_id,
        cast(stage_entries.entry_number as {{ dbt.type_int() }}) as entry_number,
        cast(stage_entries.stage_name as {{ dbt.type_string() }}) as stage_name,
        cast(stage_entries.stage_order as {{ dbt.type_int() }}) as stage_order,
        cast(stage_entries.previous_stage_order as {{ dbt.type_int() }}) as previous_stage_order,
        cast(stage_entries.entered_at as {{ dbt.type_timestamp() }}) as entered_at,
        cast(stage_entries.exited_at as {{ dbt.type_timestamp() }}) as exited_at,
        cast(stage_entries.days_in_stage as double precision) as days_in_stage,
        cast(stage_entries.is_skip as {{ dbt.type_boolean() }}) as is_skip,
        cast(stage_entries.is_revisit as {{ dbt.type_boolean() }}) as is_revisit,
        cast(stage_entries.exited_at is null as {{ dbt.type_boolean() }}) as is_last_entry,
        cast(stage_entries.changed_by_rep_id as {{ dbt.type_string() }}) as changed_by_rep_id

    from stage_entries

    inner join opportunities
        on stage_entries.opportunity_id = opportunities.opportunity_id

)

select * from final
