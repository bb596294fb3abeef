{#-
    First- and last-touch attribution of each new customer. Grain: one row per
    customer of int_customer_acquisitions_valued (first revenue purchase on or
    before the as-of date). The customer's attribution-window revenue goes to
    the campaign of the first touch and, separately, to the campaign of the
    last touch (fct_touchpoints). A touch without a campaign, or a customer
    without a touch, attributes to no campaign: the campaign is null and the
    revenue is counted as unattributed (rpt_campaign_performance's row without
    a campaign).
-#}
with

acquisitions as (

    select * from {{ ref('int_customer_acquisitions_valued') }}

),

touchpoints as (

    select * from {{ ref('fct_touchpoints') }}

),

first_touches as (

    select
        customer_id,
        touchpoint_id,
        campaign_id

    from touchpoints

    where is_first_touch

),

last_touches as (

    select
        customer_id,
        touchpoint_id,
        campaign_id

    from touchpoints

    where is_last_touch

),

final as (

    select
        cast(acquisitions.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(acquisitions.acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        cast(acquisitions.acquisition_month as date) as acquisition_month,
        cast(acquisitions.window_revenue_reporting as numeric(18, 2)) as window_revenue_reporting,
        cast(first_touches.touchpoint_id as {{ dbt.type_string() }}) as first_touchpoint_id,
        cast(first_touches.campaign_id as {{ dbt.type_string() }}) as first_touch_campaign_id,
        cast(last_touches.touchpoint_id as {{ dbt.type_string() }}) as last_touchpoint_id,
        cast(last_touches.campaign_id as {{ dbt.type_string() }}) as last_touch_campaign_id

    from acquisitions

    left join first_touches
        on acquisitions.customer_id = first_touches.customer_id

    left join last_touches
        on acquisitions.customer_id = last_touches.customer_id

)

select * from final
