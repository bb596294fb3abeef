with

base as (

    select * from {{ ref('base_crm__marketing_spend') }}

),

accepted as (

    select
        spend_id,
        spend_date,
        campaign_id,
        channel,
        spend_amount,
        currency_code

    from base

    where rejection_reason is null

)

select * from accepted
