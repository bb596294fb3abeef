with

base as (

    select * from {{ ref('base_crm__campaigns') }}

),

accepted as (

    select
        campaign_id,
        campaign_name,
        channel,
        objective,
        start_date,
        end_date,
        budget_amount,
        currency_code,
        updated_at

    from base

    where rejection_reason is null

)

select * from accepted
