with

base as (

    select * from {{ ref('base_crm__fx_rates') }}

),

accepted as (

    select
        md5(currency_code || '|' || cast(rate_date as {{ dbt.type_string() }})) as fx_rate_id,
        rate_date,
        currency_code,
        rate_to_usd

    from base

    where rejection_reason is null

)

select * from accepted
