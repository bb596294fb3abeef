{#-
    The marketing touches of a person before they became a customer. Grain:
    one row per touch of int_marketing_touches_collected (web session, email
    click, lead creation; to the as-of date) that happened before its person's
    conversion: for a customer with a first revenue purchase
    (int_customer_acquisitions_valued) the touches at or before the first
    revenue order's ordered_at; for everyone else (leads, visitors, customers
    without a revenue purchase) every touch. Touches are numbered per person in
    time order; ties go web session, then lead creation, then email click, then
    source_record_id. The first and the last touch of a converted customer carry
    is_first_touch / is_last_touch (one touch: both); other persons' touches
    carry neither.
-#}
with

touches as (

    select * from {{ ref('int_marketing_touches_collected') }}

),

acquisitions as (

    select * from {{ ref('int_customer_acquisitions_valued') }}

),

before_conversion as (

    select
        touches.*,
        acquisitions.first_purchase_at as converted_at,
        acquisitions.customer_id is not null as is_converted_customer

    from touches

    left join acquisitions
        on touches.person_type = 'customer'
        and touches.person_id = acquisitions.customer_id

    where
        acquisitions.customer_id is null
        or touches.touched_at <= acquisitions.first_purchase_at

),

numbered as (

    select
        before_conversion.*,
        row_number() over (
            partition by before_conversion.person_type, before_conversion.person_id
            order by before_conversion.touched_at, before_conversion.touch_type_order, before_conversion.source_record_id
        ) as touch_number,
        count(*) over (
            partition by before_conversion.person_type, before_conversion.person_id
        ) as person_touch_count

    from before_conversion

),

final as (

    select
        cast(touchpoint_id as {{ dbt.type_string() }}) as touchpoint_id,
        cast(touch_type as {{ dbt.type_string() }}) as touch_type,
        cast(source_record_id as {{ dbt.type_string() }}) as source_record_id,
        cast(person_type as {{ dbt.type_string() }}) as person_type,
        cast(person_id as {{ dbt.type_string() }}) as person_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(visitor_id as {{ dbt.type_string() }}) as visitor_id,
        cast(touched_at as {{ dbt.type_timestamp() }}) as touched_at,
        cast(touch_date as date) as touch_date,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(touch_channel as {{ dbt.type_string() }}) as touch_channel,
        cast(traffic_source as {{ dbt.type_string() }}) as traffic_source,
        cast(traffic_medium as {{ dbt.type_string() }}) as traffic_medium,
        cast(landing_page as {{ dbt.type_string() }}) as landing_page,
        cast(lead_source as {{ dbt.type_string() }}) as lead_source,
        cast(touch_number as {{ dbt.type_int() }}) as touch_number,
        cast(person_touch_count as {{ dbt.type_int() }}) as person_touch_count,
        cast(is_converted_customer as {{ dbt.type_boolean() }}) as is_converted_customer,
        cast(converted_at as {{ dbt.type_timestamp() }}) as converted_at,
        cast(is_converted_customer and touch_number = 1 as {{ dbt.type_boolean() }}) as is_first_touch,
        cast(is_converted_customer and touch_number = person_touch_count as {{ dbt.type_boolean() }}) as is_last_touch

    from numbered

)

select * from final
