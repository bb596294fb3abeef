{#-
    Marketing spend in the reporting currency. Grain: one row per accepted
    spend row (campaign x channel x day) dated on or before the as-of date.
    Each row converts at its spend date's rate (int_fx_rates_daily, the
    project's fx rule; int_customer_retention_spend_pooled reads it too) and is
    rounded to the cent; a row without a fresh rate is kept, flagged and not
    valued. The spend channel maps to an acquisition channel through the seed
    spend_channel_acquisition_channels (null: the channel buys none).
-#}
with

marketing_spend as (

    select * from {{ ref('stg_crm__marketing_spend') }}

),

channel_map as (

    select * from {{ ref('spend_channel_acquisition_channels') }}

),

fx_rates_daily as (

    select * from {{ ref('int_fx_rates_daily') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

converted as (

    select
        marketing_spend.spend_id,
        marketing_spend.spend_date,
        marketing_spend.campaign_id,
        marketing_spend.channel as spend_channel,
        channel_map.acquisition_channel,
        marketing_spend.currency_code,
        marketing_spend.spend_amount,
        fx_rates_daily.rate_to_reporting is not null as is_converted,
        {{ round_money('marketing_spend.spend_amount * fx_rates_daily.rate_to_reporting') }}
            as spend_reporting

    from marketing_spend

    inner join as_of
        on marketing_spend.spend_date <= as_of.as_of_date

    left join channel_map
        on marketing_spend.channel = channel_map.spend_channel

    left join fx_rates_daily
        on marketing_spend.currency_code = fx_rates_daily.currency_code
        and marketing_spend.spend_date = fx_rates_daily.rate_date

),

final as (

    select
        cast(spend_id as {{ dbt.type_string() }}) as spend_id,
        cast(spend_date as date) as spend_date,
        cast({{ dbt.date_trunc('month', 'spend_date') }} as date) as spend_month,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(spend_channel as {{ dbt.type_string() }}) as spend_channel,
        cast(acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,
        spend_amount,
        cast(is_converted as {{ dbt.type_boolean() }}) as is_converted,
        cast(spend_reporting as numeric(18, 2)) as spend_reporting

    from converted

)

select * from final
