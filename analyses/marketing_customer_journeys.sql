-- Which touches did our newest customers have before they bought, from the first to the last?
-- Compile with `dbt compile -s marketing_customer_journeys` and run the SQL in target/compiled.
with

touchpoints as (

    select * from {{ ref('fct_touchpoints') }}

),

journeys as (

    select
        customer_id,
        converted_at,
        touch_number,
        person_touch_count,
        touch_type,
        touch_channel,
        campaign_id,
        landing_page,
        touched_at,
        is_first_touch,
        is_last_touch

    from touchpoints

    where is_converted_customer

)

select * from journeys
order by converted_at desc, customer_id asc, touch_number asc
