{#-
    The one definition of survey scales, normalised scores and bands. Grain: one
    row per accepted survey response (stg_crm__survey_responses), every response
    whatever its date (the marts apply the as-of date).
    Scale: NPS 0-10 and CSAT 1-5 (fixed by staging, which rejects a score outside
    them), CES on the scale its export names (ces_scale_min..ces_scale_max,
    1-7 in the demo and the generator; any min < max is accepted).
    normalised_score = (score - scale_min) / (scale_max - scale_min), 0 to 1: the
    share of the way from the bottom to the top of the scale the answer sits
    (NPS: score / 10; CSAT: (score - 1) / 4; CES: 0 = the least effort).
    Bands, on the integers so no float rounding moves an answer across a cut:
    NPS promoter 9-10, passive 7-8, detractor 0-6; CSAT satisfied when the
    normalised score is >= 0.75 (4-5 on 1-5), else not_satisfied; CES low_effort
    below 1/3 of the scale, medium_effort from 1/3 to below 2/3, high_effort from
    2/3 (1-2 / 3-4 / 5-7 on 1-7; 1-2 / 3 / 4-5 on 1-5). A lower effort is better.
-#}
with

survey_responses as (

    select * from {{ ref('stg_crm__survey_responses') }}

),

scaled as (

    select
        response_id,
        customer_id,
        ticket_id,
        survey_type,
        channel,
        responded_at,
        score,
        case
            when survey_type = 'nps' then 0
            when survey_type = 'csat' then 1
            else ces_scale_min
        end as scale_min,
        case
            when survey_type = 'nps' then 10
            when survey_type = 'csat' then 5
            else ces_scale_max
        end as scale_max

    from survey_responses

),

banded as (

    select
        *,
        case
            when survey_type = 'nps' and score >= 9 then 'promoter'
            when survey_type = 'nps' and score >= 7 then 'passive'
            when survey_type = 'nps' then 'detractor'
            when survey_type = 'csat' and 4 * (score - scale_min) >= 3 * (scale_max - scale_min) then 'satisfied'
            when survey_type = 'csat' then 'not_satisfied'
            when 3 * (score - scale_min) < scale_max - scale_min then 'low_effort'
            when 3 * (score - scale_min) < 2 * (scale_max - scale_min) then 'medium_effort'
            else 'high_effort'
        end as response_band

    from scaled

),

final as (

    select
        cast(response_id as {{ dbt.type_string() }}) as response_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(survey_type as {{ dbt.type_string() }}) as survey_type,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(responded_at as {{ dbt.type_timestamp() }}) as responded_at,
        cast(responded_at as date) as responded_date,
        cast(score as {{ dbt.type_int() }}) as score,
        cast(scale_min as {{ dbt.type_int() }}) as scale_min,
        cast(scale_max as {{ dbt.type_int() }}) as scale_max,
        cast(
            cast(score - scale_min as double precision) / cast(scale_max - scale_min as double precision)
            as double precision
        ) as normalised_score,
        cast(response_band as {{ dbt.type_string() }}) as response_band

    from banded

)

select * from final
