{#-
    One row per cohort month (month the opportunity was created) per breakdown
    (all, lead_source, owner_rep, team, product) per funnel stage (lead 1 ...
    closed_won 5), for every cohort and breakdown value with an opportunity.
    Reached: furthest stage at or beyond the stage (skips count as passed).
    The row of stage k carries the conversion from stage k - 1 into it
    (reached k / reached k - 1, null when nobody reached k - 1, and on the lead
    row), its drop-off (1 - conversion) and the cumulative conversion from the
    funnel entry (reached k / reached lead). Median days in stage: over the
    completed entries (entry to next entry) of the stage by the group's
    opportunities. The largest drop-off of a cohort and breakdown is the row
    with the highest drop-off, ties to the earliest stage.
-#}
with

stages_reached as (

    select * from {{ ref('int_funnel_stages_reached') }}

),

stage_entries as (

    select * from {{ ref('int_opportunity_stages_ordered') }}

),

-- one row per opportunity, funnel stage and entry of that stage (null entry fields when never entered)
stage_rows as (

    select
        stages_reached.opportunity_id,
        stages_reached.cohort_month,
        stages_reached.lead_source,
        stages_reached.owner_rep_id,
        stages_reached.owner_team,
        stages_reached.product_id,
        stages_reached.stage_name,
        stages_reached.stage_order,
        stages_reached.is_reached,
        stage_entries.days_in_stage

    from stages_reached

    left join stage_entries
        on stages_reached.opportunity_id = stage_entries.opportunity_id
        and stages_reached.stage_name = stage_entries.stage_name

),

breakdowns as (

    {% for dimension, column in [
        ('all', "'all'"),
        ('lead_source', 'lead_source'),
        ('owner_rep', 'owner_rep_id'),
        ('team', 'owner_team'),
        ('product', 'product_id'),
    ] %}
        {% if not loop.first %}union all{% endif %}
        select
            cohort_month,
            '{{ dimension }}' as breakdown_dimension,
            {{ column }} as breakdown_value,
            stage_name,
            stage_order,
            opportunity_id,
            is_reached,
            days_in_stage

        from stage_rows
    {% endfor %}

),

stage_counts as (

    select
        cohort_month,
        breakdown_dimension,
        breakdown_value,
        stage_name,
        stage_order,
        count(distinct case when is_reached then opportunity_id end) as reached_count,
        count(days_in_stage) as completed_entry_count,
        {{ median('days_in_stage') }} as median_days_in_stage

    from breakdowns

    group by cohort_month, breakdown_dimension, breakdown_value, stage_name, stage_order

),

conversions as (

    select
        *,
        lag(stage_name) over (
            partition by cohort_month, breakdown_dimension, breakdown_value
            order by stage_order
        ) as previous_stage_name,
        lag(reached_count) over (
            partition by cohort_month, breakdown_dimension, breakdown_value
            order by stage_order
        ) as previous_stage_reached_count,
        first_value(reached_count) over (
            partition by cohort_month, breakdown_dimension, breakdown_value
            order by stage_order
        ) as entered_count

    from stage_counts

),

rates as (

    select
        *,
        cast(reached_count as double precision)
        / nullif(previous_stage_reached_count, 0) as stage_conversion_rate,
        cast(reached_count as double precision) / nullif(entered_count, 0) as cumulative_conversion_rate,
        1 - cast(reached_count as double precision)
        / nullif(previous_stage_reached_count, 0) as drop_off_rate

    from conversions

),

drop_off_ranks as (

    select
        *,
        case
            when drop_off_rate is not null
                then row_number() over (
                    partition by cohort_month, breakdown_dimension, breakdown_value, drop_off_rate is null
                    order by drop_off_rate desc, stage_order asc
                )
        end as drop_off_rank

    from rates

),

largest_drop_offs as (

    select
        cohort_month,
        breakdown_dimension,
        breakdown_value,
        stage_name as largest_drop_off_stage_name

    from drop_off_ranks

    where drop_off_rank = 1

),

final as (

    select
        {{ surrogate_key([
            'drop_off_ranks.cohort_month',
            'drop_off_ranks.breakdown_dimension',
            'drop_off_ranks.breakdown_value',
            'drop_off_ranks.stage_name',
        ]) }} as funnel_conversion_id,
        cast(drop_off_ranks.cohort_month as date) as cohort_month,
        cast(drop_off_ranks.breakdown_dimension as {{ dbt.type_string() }}) as breakdown_dimension,
        cast(drop_off_ranks.breakdown_value as {{ dbt.type_string() }}) as breakdown_value,
        cast(drop_off_ranks.stage_name as {{ dbt.type_string() }}) as stage_name,
        cast(drop_off_ranks.stage_order as {{ dbt.type_int() }}) as stage_order,
        cast(drop_off_ranks.previous_stage_name as {{ dbt.type_string() }}) as previous_stage_name,
        cast(drop_off_ranks.reached_count as {{ dbt.type_int() }}) as reached_count,
        cast(drop_off_ranks.previous_stage_reached_count as {{ dbt.type_int() }}) as previous_stage_reached_count,
        cast(drop_off_ranks.entered_count as {{ dbt.type_int() }}) as entered_count,
        cast(drop_off_ranks.stage_conversion_rate as double precision) as stage_conversion_rate,
        cast(drop_off_ranks.cumulative_conversion_rate as double precision) as cumulative_conversion_rate,
        cast(drop_off_ranks.drop_off_rate as double precision) as drop_off_rate,
        cast(drop_off_ranks.median_days_in_stage as double precision) as median_days_in_stage,
        cast(drop_off_ranks.completed_entry_count as {{ dbt.type_int() }}) as completed_entry_count,
        cast(coalesce(drop_off_ranks.drop_off_rank = 1, false) as {{ dbt.type_boolean() }}) as is_largest_drop_off,
        cast(largest_drop_offs.largest_drop_off_stage_name as {{ dbt.type_string() }}) as largest_drop_off_stage_name

    from drop_off_ranks

    left join largest_drop_offs
        on drop_off_ranks.cohort_month = largest_drop_offs.cohort_month
        and drop_off_ranks.breakdown_dimension = largest_drop_offs.breakdown_dimension
        and drop_off_ranks.breakdown_value = largest_drop_offs.breakdown_value

)

select * from final
