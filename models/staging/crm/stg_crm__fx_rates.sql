with

base as (

    select * from {{ ref('base_crm__fx_rates') }}

),

accepted as (

    select
        {{ surrogate_key(['currency_code', 'rate_date']) }} as fx_rate_id,
        rate_date,
        currency_code,
        rate_to_usd

    from base

    where rejection_reason is null

)

select * from accepted
