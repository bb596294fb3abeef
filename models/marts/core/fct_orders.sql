{#- Reporting-currency totals of the lines: null when a line's value is unknown, 0 for an order without lines. -#}
{%- set reporting_totals = [
    'gross_amount_reporting', 'discount_amount_reporting', 'net_amount_reporting', 'cost_reporting',
    'net_revenue_reporting', 'gross_margin_reporting',
] -%}
with

orders as (

    select * from {{ ref('stg_crm__orders') }}

),

order_items_converted as (

    select * from {{ ref('int_order_items_converted') }}

),

fx_rates_daily as (

    select * from {{ ref('int_fx_rates_daily') }}

),

-- A converted total is null when any line lacks its rate or cost: a sum never silently skips a line.
order_line_totals as (

    select
        order_id,
        count(*) as item_count,
        sum(quantity) as units,
        sum(gross_amount) as gross_amount,
        sum(discount_amount) as discount_amount,
        sum(net_amount) as net_amount,
        {% for column in reporting_totals %}
            case when count({{ column }}) = count(*) then sum({{ column }}) end
                as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}

    from order_items_converted

    group by order_id

),

-- Orders without lines have zero amounts (their order-level discount applies to nothing).
orders_totalled as (

    select
        orders.order_id,
        orders.customer_id,
        orders.sales_rep_id,
        orders.ordered_at,
        orders.order_date,
        orders.order_status,
        orders.is_revenue_order,
        orders.sales_channel,
        orders.currency_code,
        fx_rates_daily.rate_to_reporting as fx_rate_to_reporting,
        fx_rates_daily.rate_to_reporting is not null as has_fx_rate,
        coalesce(order_line_totals.item_count, 0) as item_count,
        coalesce(order_line_totals.units, 0) as units,
        coalesce(order_line_totals.gross_amount, 0) as gross_amount,
        coalesce(order_line_totals.discount_amount, 0) as discount_amount,
        coalesce(order_line_totals.net_amount, 0) as net_amount,
        {% for column in reporting_totals %}
            case
                when order_line_totals.order_id is null then 0
                else order_line_totals.{{ column }}
            end as {{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}

    from orders

    left join order_line_totals
        on orders.order_id = order_line_totals.order_id

    left join fx_rates_daily
        on orders.currency_code = fx_rates_daily.currency_code
        and orders.order_date = fx_rates_daily.rate_date

),

final as (

    select
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(sales_rep_id as {{ dbt.type_string() }}) as sales_rep_id,
        cast(ordered_at as {{ dbt.type_timestamp() }}) as ordered_at,
        cast(order_date as date) as order_date,
        cast(order_status as {{ dbt.type_string() }}) as order_status,
        cast(is_revenue_order as {{ dbt.type_boolean() }}) as is_revenue_order,
        cast(sales_channel as {{ dbt.type_string() }}) as sales_channel,
        cast(item_count as {{ dbt.type_int() }}) as item_count,
        cast(units as {{ dbt.type_int() }}) as units,
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,
        cast(gross_amount as numeric(18, 2)) as gross_amount,
        cast(discount_amount as numeric(18, 2)) as discount_amount,
        cast(net_amount as numeric(18, 2)) as net_amount,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        cast(fx_rate_to_reporting as double precision) as fx_rate_to_reporting,
        cast(has_fx_rate as {{ dbt.type_boolean() }}) as has_fx_rate,
        cast(gross_amount_reporting as numeric(18, 2)) as gross_amount_reporting,
        cast(discount_amount_reporting as numeric(18, 2)) as discount_amount_reporting,
        cast(net_amount_reporting as numeric(18, 2)) as net_amount_reporting,
        cast(cost_reporting as numeric(18, 2)) as cost_reporting,
        cast(net_revenue_reporting as numeric(18, 2)) as net_revenue_reporting,
        cast(gross_margin_reporting as numeric(18, 2)) as gross_margin_reporting

    from orders_totalled

)

select * from final
