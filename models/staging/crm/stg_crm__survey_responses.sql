with

base as (

    select * from {{ ref('base_crm__survey_responses') }}

),

accepted as (

    select
        response_id,
        customer_id,
        ticket_id,
        survey_type,
        channel,
        responded_at,
        score,
        ces_scale_min,
        ces_scale_max,
        comment  -- noqa: RF04

    from base

    where rejection_reason is null

)

select * from accepted
