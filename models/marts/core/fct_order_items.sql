{#-
    Incremental (issue 14; DECISIONLOG "Scale: incremental order lines"): the pre-hook deletes the held
    lines of every order whose set of (order_item_id, line_fingerprint) differs from
    int_order_items_converted's (a line changed, arrived or left); the model then appends the lines of
    the orders with a line no longer held, which after the delete are exactly those orders. A full
    build (or --full-refresh) copies every line.
-#}
{{ config(
    materialized='incremental', incremental_strategy='append', on_schema_change='fail',
    pre_hook="{{ delete_groups_to_recompute('order_id', fingerprinted_rows_to_recompute("
        ~ "this, ref('int_order_items_converted'), 'order_id', 'order_item_id', 'line_fingerprint')) }}",
) }}
with

order_items_converted as (

    select * from {{ ref('int_order_items_converted') }}

    {% if is_incremental() -%}
    -- after the pre-hook: the orders with a line not held
    where order_id in (
        {{ groups_with_rows_not_held(ref('int_order_items_converted'), this, 'order_id', 'order_item_id') | indent(8) }}
    )
    {%- endif %}

),

final as (

    select
        cast(order_item_id as {{ dbt.type_string() }}) as order_item_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(sales_rep_id as {{ dbt.type_string() }}) as sales_rep_id,
        cast(ordered_at as {{ dbt.type_timestamp() }}) as ordered_at,
        cast(order_date as date) as order_date,
        cast(order_status as {{ dbt.type_string() }}) as order_status,
        cast(is_revenue_order as {{ dbt.type_boolean() }}) as is_revenue_order,
        cast(sales_channel as {{ dbt.type_string() }}) as sales_channel,
        cast(quantity as {{ dbt.type_int() }}) as quantity,
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,
        cast(unit_price as numeric(18, 6)) as unit_price,
        cast(gross_amount as numeric(18, 2)) as gross_amount,
        cast(discount_amount as numeric(18, 2)) as discount_amount,
        cast(net_amount as numeric(18, 2)) as net_amount,
        cast(cost_currency_code as {{ dbt.type_string() }}) as cost_currency_code,
        cast(unit_cost as numeric(18, 6)) as unit_cost,
        cast(cost_amount as numeric(18, 2)) as cost_amount,
        cast(reporting_currency_code as {{ dbt.type_string() }}) as reporting_currency_code,
        cast(fx_rate_to_reporting as double precision) as fx_rate_to_reporting,
        cast(cost_fx_rate_to_reporting as double precision) as cost_fx_rate_to_reporting,
        cast(has_fx_rate as {{ dbt.type_boolean() }}) as has_fx_rate,
        cast(gross_amount_reporting as numeric(18, 2)) as gross_amount_reporting,
        cast(discount_amount_reporting as numeric(18, 2)) as discount_amount_reporting,
        cast(net_amount_reporting as numeric(18, 2)) as net_amount_reporting,
        cast(cost_reporting as numeric(18, 2)) as cost_reporting,
        cast(net_revenue_reporting as numeric(18, 2)) as net_revenue_reporting,
        cast(gross_margin_reporting as numeric(18, 2)) as gross_margin_reporting,
        cast(line_fingerprint as {{ dbt.type_string() }}) as line_fingerprint

    from order_items_converted

)

select * from final
