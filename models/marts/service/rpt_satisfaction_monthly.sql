{#-
    NPS, CSAT and CES per calendar month, overall and by segment, survey channel,
    product and country (long layout: breakdown_dimension / breakdown_value).
    Grain: one row per month per breakdown value, for every month from the
    value's first response month to the as-of month (months without responses
    included: counts 0, scores null and flagged below the minimum), so the
    previous row of a breakdown value is always the previous calendar month.
    Responses from fct_survey_responses (to the as-of date). A missing segment,
    channel or country is 'unknown'; product is the linked ticket's product,
    'no_ticket' for a response without a ticket, 'unknown' for a ticket without
    a product.
    NPS = 100 x (promoters - detractors) / NPS responses; CSAT = satisfied / CSAT
    responses; CES = average normalised effort (0 = no effort, 1 = the most; a
    lower CES is better). A score is null, and its *_below_minimum flag true,
    when the month and breakdown value has fewer than var min_survey_responses
    answers of that type; a change from the previous month is null when either
    score is null.
-#}
{%- set breakdowns = [
    ('all', "'all'"),
    ('segment', "coalesce(segment, 'unknown')"),
    ('channel', "coalesce(channel, 'unknown')"),
    ('product', "case when ticket_id is null then 'no_ticket' else coalesce(product_id, 'unknown') end"),
    ('country', "coalesce(country_code, 'unknown')"),
] -%}
{%- set min_responses = var('min_survey_responses') | int -%}
with

responses as (

    select * from {{ ref('fct_survey_responses') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

days as (

    {{ date_spine_days(
        "(select min(responses.response_month_start_date) from responses)",
        '(select as_of.as_of_date from as_of)'
    ) | indent(4) }}

),

months as (

    select date_day as month_start_date

    from days

    where {{ date_part_int('day', 'date_day') }} = 1

),

broken_down as (

    {% for dimension, expression in breakdowns %}
        {% if not loop.first %}union all{% endif %}
        select
            response_month_start_date as month_start_date,
            cast('{{ dimension }}' as {{ dbt.type_string() }}) as breakdown_dimension,
            cast({{ expression }} as {{ dbt.type_string() }}) as breakdown_value,
            survey_type,
            response_band,
            normalised_score

        from responses
    {% endfor %}

),

aggregated as (

    select
        month_start_date,
        breakdown_dimension,
        breakdown_value,
        count(*) as response_count,
        sum(case when survey_type = 'nps' then 1 else 0 end) as nps_response_count,
        sum(case when response_band = 'promoter' then 1 else 0 end) as nps_promoter_count,
        sum(case when response_band = 'passive' then 1 else 0 end) as nps_passive_count,
        sum(case when response_band = 'detractor' then 1 else 0 end) as nps_detractor_count,
        sum(case when survey_type = 'csat' then 1 else 0 end) as csat_response_count,
        sum(case when response_band = 'satisfied' then 1 else 0 end) as csat_satisfied_count,
        sum(case when survey_type = 'ces' then 1 else 0 end) as ces_response_count,
        sum(case when response_band = 'low_effort' then 1 else 0 end) as ces_low_effort_count,
        sum(case when response_band = 'medium_effort' then 1 else 0 end) as ces_medium_effort_count,
        sum(case when response_band = 'high_effort' then 1 else 0 end) as ces_high_effort_count,
        avg(case when survey_type = 'ces' then normalised_score end) as ces_average_effort

    from broken_down

    group by month_start_date, breakdown_dimension, breakdown_value

),

breakdown_values as (

    select
        breakdown_dimension,
        breakdown_value,
        min(month_start_date) as first_month_start_date

    from aggregated

    group by breakdown_dimension, breakdown_value

),

grid as (

    select
        months.month_start_date,
        breakdown_values.breakdown_dimension,
        breakdown_values.breakdown_value

    from breakdown_values

    inner join months
        on breakdown_values.first_month_start_date <= months.month_start_date

),

counted as (

    select
        grid.month_start_date,
        grid.breakdown_dimension,
        grid.breakdown_value,
        coalesce(aggregated.response_count, 0) as response_count,
        coalesce(aggregated.nps_response_count, 0) as nps_response_count,
        coalesce(aggregated.nps_promoter_count, 0) as nps_promoter_count,
        coalesce(aggregated.nps_passive_count, 0) as nps_passive_count,
        coalesce(aggregated.nps_detractor_count, 0) as nps_detractor_count,
        coalesce(aggregated.csat_response_count, 0) as csat_response_count,
        coalesce(aggregated.csat_satisfied_count, 0) as csat_satisfied_count,
        coalesce(aggregated.ces_response_count, 0) as ces_response_count,
        coalesce(aggregated.ces_low_effort_count, 0) as ces_low_effort_count,
        coalesce(aggregated.ces_medium_effort_count, 0) as ces_medium_effort_count,
        coalesce(aggregated.ces_high_effort_count, 0) as ces_high_effort_count,
        aggregated.ces_average_effort

    from grid

    left join aggregated
        on grid.month_start_date = aggregated.month_start_date
        and grid.breakdown_dimension = aggregated.breakdown_dimension
        and grid.breakdown_value = aggregated.breakdown_value

),

scored as (

    select
        *,
        nps_response_count < {{ min_responses }} as nps_below_minimum,
        csat_response_count < {{ min_responses }} as csat_below_minimum,
        ces_response_count < {{ min_responses }} as ces_below_minimum,
        case
            when nps_response_count >= {{ min_responses }} and nps_response_count > 0
                then cast(100 * (nps_promoter_count - nps_detractor_count) as double precision) / nps_response_count
        end as nps_score,
        case
            when csat_response_count >= {{ min_responses }} and csat_response_count > 0
                then cast(csat_satisfied_count as double precision) / csat_response_count
        end as csat_score,
        case
            when ces_response_count >= {{ min_responses }} then ces_average_effort
        end as ces_score

    from counted

),

changed as (

    select
        *,
        nps_score - lag(nps_score) over (
            partition by breakdown_dimension, breakdown_value order by month_start_date
        ) as nps_score_change,
        csat_score - lag(csat_score) over (
            partition by breakdown_dimension, breakdown_value order by month_start_date
        ) as csat_score_change,
        ces_score - lag(ces_score) over (
            partition by breakdown_dimension, breakdown_value order by month_start_date
        ) as ces_score_change

    from scored

),

dated as (

    select
        changed.*,
        as_of.as_of_date < cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'changed.month_start_date')) }} as date)
            as is_partial_month

    from changed

    cross join as_of

),

final as (

    select
        cast({{ surrogate_key(['month_start_date', 'breakdown_dimension', 'breakdown_value']) }} as {{ dbt.type_string() }})
            as satisfaction_month_id,
        cast(month_start_date as date) as month_start_date,
        cast(is_partial_month as {{ dbt.type_boolean() }}) as is_partial_month,
        cast(breakdown_dimension as {{ dbt.type_string() }}) as breakdown_dimension,
        cast(breakdown_value as {{ dbt.type_string() }}) as breakdown_value,
        cast({{ min_responses }} as {{ dbt.type_int() }}) as min_survey_responses,
        cast(response_count as {{ dbt.type_int() }}) as response_count,
        cast(nps_response_count as {{ dbt.type_int() }}) as nps_response_count,
        cast(nps_promoter_count as {{ dbt.type_int() }}) as nps_promoter_count,
        cast(nps_passive_count as {{ dbt.type_int() }}) as nps_passive_count,
        cast(nps_detractor_count as {{ dbt.type_int() }}) as nps_detractor_count,
        cast(nps_below_minimum as {{ dbt.type_boolean() }}) as nps_below_minimum,
        cast(nps_score as double precision) as nps_score,
        cast(nps_score_change as double precision) as nps_score_change,
        cast(csat_response_count as {{ dbt.type_int() }}) as csat_response_count,
        cast(csat_satisfied_count as {{ dbt.type_int() }}) as csat_satisfied_count,
        cast(csat_below_minimum as {{ dbt.type_boolean() }}) as csat_below_minimum,
        cast(csat_score as double precision) as csat_score,
        cast(csat_score_change as double precision) as csat_score_change,
        cast(ces_response_count as {{ dbt.type_int() }}) as ces_response_count,
        cast(ces_low_effort_count as {{ dbt.type_int() }}) as ces_low_effort_count,
        cast(ces_medium_effort_count as {{ dbt.type_int() }}) as ces_medium_effort_count,
        cast(ces_high_effort_count as {{ dbt.type_int() }}) as ces_high_effort_count,
        cast(ces_below_minimum as {{ dbt.type_boolean() }}) as ces_below_minimum,
        cast(ces_score as double precision) as ces_score,
        cast(ces_score_change as double precision) as ces_score_change

    from dated

)

select * from final
