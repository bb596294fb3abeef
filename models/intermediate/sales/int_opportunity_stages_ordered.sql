{#-
    One row per opportunity per stage entered (an accepted stage-history row),
    in time order, up to the as-of date (a back-dated build does not see later
    entries). Ties on entered_at are broken by stage_history_id, so the order is
    the same on every build and every engine.
    A stage is left when the next one is entered (exited_at); the closed stages
    and the current stage of an open opportunity have no exit.
    is_skip: the entry moves forward over at least one stage (its stage_order is
    more than one above the previous entry's; the first entry is compared with
    0, so entering the funnel at "qualified" skips "lead"). closed_lost is an
    exit from the funnel, never a skip. is_revisit: the stage was entered before,
    or the entry moves backwards (a lower stage_order than the previous entry).
-#}
with

stage_history as (

    select * from {{ ref('stg_crm__opportunity_stage_history') }}

),

stage_probabilities as (

    select * from {{ ref('stage_probabilities') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

entries as (

    select
        stage_history.stage_history_id,
        stage_history.opportunity_id,
        stage_history.stage_name,
        cast(stage_probabilities.stage_order as {{ dbt.type_int() }}) as stage_order,
        stage_history.entered_at,
        stage_history.changed_by_rep_id

    from stage_history

    inner join stage_probabilities
        on stage_history.stage_name = stage_probabilities.stage_name

    cross join as_of

    where cast(stage_history.entered_at as date) <= as_of.as_of_date

),

sequenced as (

    select
        *,
        row_number() over (
            partition by opportunity_id
            order by entered_at, stage_history_id
        ) as entry_number,
        row_number() over (
            partition by opportunity_id, stage_name
            order by entered_at, stage_history_id
        ) as entry_of_stage_number,
        coalesce(
            lag(stage_order) over (
                partition by opportunity_id
                order by entered_at, stage_history_id
            ),
            0
        ) as previous_stage_order,
        lead(entered_at) over (
            partition by opportunity_id
            order by entered_at, stage_history_id
        ) as exited_at

    from entries

),

final as (

    select
        stage_history_id,
        opportunity_id,
        entry_number,
        stage_name,
        stage_order,
        previous_stage_order,
        entered_at,
        exited_at,
        changed_by_rep_id,
        case
            when exited_at is not null
                then
                    {{ dbt.datediff('entered_at', 'exited_at', 'second') }}
                    / 86400.0
        end as days_in_stage,
        stage_name <> 'closed_lost' and stage_order > previous_stage_order + 1 as is_skip,
        entry_of_stage_number > 1 or stage_order < previous_stage_order as is_revisit

    from sequenced

)

select * from final
