-- Where does satisfaction drop: the breakdown values whose NPS fell the most from the previous
-- month in the last complete month, beside the company figure ('all'); scores from fewer than
-- min_survey_responses answers are null in the mart and left out here.
-- Compile with `dbt compile -s service_satisfaction_where_it_drops` and run the SQL in target/compiled.
with

satisfaction as (

    select * from {{ ref('rpt_satisfaction_monthly') }}

),

last_complete_month as (

    select max(month_start_date) as month_start_date

    from satisfaction

    where not is_partial_month

),

drops as (

    select
        satisfaction.breakdown_dimension,
        satisfaction.breakdown_value,
        satisfaction.nps_response_count,
        satisfaction.nps_score,
        satisfaction.nps_score_change,
        satisfaction.csat_score,
        satisfaction.csat_score_change

    from satisfaction

    inner join last_complete_month
        on satisfaction.month_start_date = last_complete_month.month_start_date

    where satisfaction.nps_score_change is not null

)

select * from drops
order by nps_score_change asc, breakdown_dimension asc, breakdown_value asc
