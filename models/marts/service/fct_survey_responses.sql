{#-
    One row per accepted survey response answered on or before the as-of date
    (int_survey_responses_normalised: scale, normalised score and band), with the
    customer's segment and country (dim_customers, as now), the survey channel
    and, through the linked ticket where there is one, the product the ticket is
    about (null without a ticket or when the ticket names no product).
-#}
with

responses as (

    select * from {{ ref('int_survey_responses_normalised') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

support_tickets as (

    select * from {{ ref('stg_crm__support_tickets') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

joined as (

    select
        responses.response_id,
        responses.customer_id,
        responses.ticket_id,
        support_tickets.product_id,
        responses.survey_type,
        responses.channel,
        responses.responded_at,
        responses.responded_date,
        cast({{ dbt.date_trunc('month', 'responses.responded_date') }} as date) as response_month_start_date,
        responses.score,
        responses.scale_min,
        responses.scale_max,
        responses.normalised_score,
        responses.response_band,
        customers.segment,
        customers.country_code

    from responses

    cross join as_of

    left join customers
        on responses.customer_id = customers.customer_id

    left join support_tickets
        on responses.ticket_id = support_tickets.ticket_id

    where responses.responded_date <= as_of.as_of_date

),

final as (

    select
        cast(response_id as {{ dbt.type_string() }}) as response_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(survey_type as {{ dbt.type_string() }}) as survey_type,
        cast(channel as {{ dbt.type_string() }}) as channel,
        cast(responded_at as {{ dbt.type_timestamp() }}) as responded_at,
        cast(responded_date as date) as responded_date,
        cast(response_month_start_date as date) as response_month_start_date,
        cast(score as {{ dbt.type_int() }}) as score,
        cast(scale_min as {{ dbt.type_int() }}) as scale_min,
        cast(scale_max as {{ dbt.type_int() }}) as scale_max,
        cast(normalised_score as double precision) as normalised_score,
        cast(response_band as {{ dbt.type_string() }}) as response_band,
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(country_code as {{ dbt.type_string() }}) as country_code

    from joined

)

select * from final
