{#-
    What a new customer costs, per calendar month and acquisition channel.
    Grain: one row per month (month_spine, from the first month with marketing
    spend or a new customer to the as-of month) per acquisition channel (every
    channel of the seed spend_channel_acquisition_channels and every channel of
    a new customer), zeros included, plus one row per month with
    acquisition_channel 'all' (every channel together; spend of a channel that
    buys no acquisition channel, display, counts here only). Spend: marketing
    spend only (the exports carry no sales cost), converted per row at the
    spend date's rate (int_marketing_spend_converted). New customers: first
    revenue purchase in the month (int_customer_acquisitions_valued).
-#}
with

spend_rows as (

    select * from {{ ref('int_marketing_spend_converted') }}

),

acquisitions as (

    select * from {{ ref('int_customer_revenue_attributed') }}

),

acquisition_values as (

    select * from {{ ref('int_customer_acquisitions_valued') }}

),

channel_map as (

    select * from {{ ref('spend_channel_acquisition_channels') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

first_month as (

    select min(month_start_date) as month_start_date

    from (
        select spend_month as month_start_date from spend_rows
        union all
        select acquisition_month as month_start_date from acquisitions
    ) as dated

),

calendar as (

    {{ month_spine(
        '(select month_start_date from first_month)',
        '(select as_of_date from as_of)'
    ) | indent(4) }}

),

channels as (

    select acquisition_channel from channel_map
    where acquisition_channel is not null
    union
    select acquisition_channel from acquisitions
    union
    select 'all' as acquisition_channel

),

grid as (

    select
        calendar.month_start_date,
        channels.acquisition_channel

    from calendar

    cross join channels

),

spend_by_channel as (

    select
        spend_month as month_start_date,
        acquisition_channel,
        count(*) as spend_row_count,
        sum(case when is_converted then 0 else 1 end) as unconverted_spend_row_count,
        coalesce(sum(spend_reporting), 0) as marketing_spend_reporting

    from spend_rows

    where acquisition_channel is not null

    group by spend_month, acquisition_channel

    union all

    select
        spend_month as month_start_date,
        'all' as acquisition_channel,
        count(*) as spend_row_count,
        sum(case when is_converted then 0 else 1 end) as unconverted_spend_row_count,
        coalesce(sum(spend_reporting), 0) as marketing_spend_reporting

    from spend_rows

    group by spend_month

),

new_customers as (

    select
        acquisitions.acquisition_month,
        acquisitions.acquisition_channel,
        acquisitions.first_touch_campaign_id,
        acquisitions.window_revenue_reporting,
        acquisition_values.first_month_revenue_reporting,
        acquisition_values.formula_clv_reporting

    from acquisitions

    inner join acquisition_values
        on acquisitions.customer_id = acquisition_values.customer_id

),

new_customer_rows as (

    select * from new_customers

    union all

    select
        acquisition_month,
        'all' as acquisition_channel,
        first_touch_campaign_id,
        window_revenue_reporting,
        first_month_revenue_reporting,
        formula_clv_reporting

    from new_customers

),

customers_by_channel as (

    select
        acquisition_month as month_start_date,
        acquisition_channel,
        count(*) as new_customer_count,
        sum(first_month_revenue_reporting) as net_new_revenue_reporting,
        sum(
            case when first_touch_campaign_id is not null then window_revenue_reporting else 0 end
        ) as attributed_revenue_reporting,
        avg(formula_clv_reporting) as avg_clv_new_customers

    from new_customer_rows

    group by acquisition_month, acquisition_channel

),

measured as (

    select
        grid.month_start_date,
        grid.acquisition_channel,
        coalesce(spend_by_channel.spend_row_count, 0) as spend_row_count,
        coalesce(spend_by_channel.unconverted_spend_row_count, 0) as unconverted_spend_row_count,
        coalesce(spend_by_channel.marketing_spend_reporting, 0) as marketing_spend_reporting,
        coalesce(customers_by_channel.new_customer_count, 0) as new_customer_count,
        coalesce(customers_by_channel.net_new_revenue_reporting, 0) as net_new_revenue_reporting,
        coalesce(customers_by_channel.attributed_revenue_reporting, 0) as attributed_revenue_reporting,
        customers_by_channel.avg_clv_new_customers

    from grid

    left join spend_by_channel
        on grid.month_start_date = spend_by_channel.month_start_date
        and grid.acquisition_channel = spend_by_channel.acquisition_channel

    left join customers_by_channel
        on grid.month_start_date = customers_by_channel.month_start_date
        and grid.acquisition_channel = customers_by_channel.acquisition_channel

),

final as (

    select
        cast({{ surrogate_key(['month_start_date', 'acquisition_channel']) }} as {{ dbt.type_string() }}) as cac_month_key,
        cast(month_start_date as date) as month_start_date,
        cast(acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        cast(spend_row_count as {{ dbt.type_int() }}) as spend_row_count,
        cast(unconverted_spend_row_count as {{ dbt.type_int() }}) as unconverted_spend_row_count,
        cast(marketing_spend_reporting as numeric(18, 2)) as marketing_spend_reporting,
        cast(new_customer_count as {{ dbt.type_int() }}) as new_customer_count,
        cast(
            case
                when new_customer_count > 0
                    then {{ round_money('marketing_spend_reporting / new_customer_count') }}
            end
            as numeric(18, 2)
        ) as cac_reporting,
        cast(net_new_revenue_reporting as numeric(18, 2)) as net_new_revenue_reporting,
        cast(attributed_revenue_reporting as numeric(18, 2)) as attributed_revenue_reporting,
        cast(
            case
                when marketing_spend_reporting > 0
                    then
                        cast(attributed_revenue_reporting - marketing_spend_reporting as double precision)
                        / cast(marketing_spend_reporting as double precision)
            end
            as double precision
        ) as marketing_roi,
        cast(
            case
                when new_customer_count > 0 then {{ round_money('avg_clv_new_customers') }}
            end
            as numeric(18, 2)
        ) as avg_clv_new_customers_reporting

    from measured

)

select * from final
