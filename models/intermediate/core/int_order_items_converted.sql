{#-
    Incremental (issue 14; DECISIONLOG "Scale: incremental order lines"): the pre-hook deletes the held
    lines of every order to recompute (order_lines_to_recompute: a line's order, item, product or rate
    changed or is gone, or the order has a line not held yet); the model then appends the lines of the
    orders with accepted lines no longer held, which after the delete are exactly those orders. A full
    build (or --full-refresh) computes every line. The three *_row_hash columns are what the next
    build compares; line_fingerprint is what fct_order_items compares.
-#}
{{ config(
    materialized='incremental', incremental_strategy='append', on_schema_change='fail',
    pre_hook="{{ delete_groups_to_recompute('order_id', order_lines_to_recompute(this, ref('stg_crm__orders'), "
        ~ "ref('stg_crm__order_items'), ref('stg_crm__products'), ref('int_fx_rates_daily'))) }}",
) }}
{#-
    One row per order line of an accepted order, with its amounts in the order
    currency and in the reporting currency at the rate of the order date.
    Discount: the order-level discount is allocated to the lines pro rata of
    their gross amount, rounded to cents; the rounding remainder goes to the
    line with the largest gross amount (ties: lowest order_item_id), so the
    allocations add up exactly to the order discount. An order whose lines are
    all free shares its discount equally between its lines.
    Conversion at the order date's rate: the order's gross and discount totals
    are converted and rounded once, then given to the lines the same way (each
    line its own converted amount rounded, the remainder cent on the same
    line), so the lines add up to the converted order totals exactly and an
    order is within a cent of converting its unrounded net amount.
    Cost: quantity x the product's unit cost, in the product's currency,
    converted at the same order-date rate, per line. Rates come from
    int_fx_rates_daily (forward filled within var fx_rate_max_staleness_days;
    the reporting currency at exactly 1): every accepted order has its rate,
    since base_crm__orders rejects an order without one (missing_fx_rate), and
    the not-null tests on the reporting amounts fail the build otherwise. A
    cost currency without a rate leaves cost and margin null (never guessed);
    has_fx_rate says whether the order rate was found.
    Net revenue and gross margin are defined here, once: they count on revenue
    orders only (0 on cancelled and refunded ones); fct_order_items shows them
    per line and fct_orders sums them per order.
-#}
with

order_items as (

    select * from {{ ref('stg_crm__order_items') }}

    {% if is_incremental() -%}
    -- after the pre-hook: the orders with an accepted line not held
    where order_id in (
        {{ groups_with_rows_not_held(ref('stg_crm__order_items'), this, 'order_id', 'order_item_id') | indent(8) }}
    )
    {%- endif %}

),

orders as (

    select * from {{ ref('stg_crm__orders') }}

),

products as (

    select * from {{ ref('stg_crm__products') }}

),

fx_rates_daily as (

    select * from {{ ref('int_fx_rates_daily') }}

),

order_lines as (

    select
        order_items.order_item_id,
        order_items.order_id,
        order_items.product_id,
        orders.customer_id,
        orders.sales_rep_id,
        orders.ordered_at,
        orders.order_date,
        orders.order_status,
        orders.is_revenue_order,
        orders.sales_channel,
        orders.currency_code,
        order_items.quantity,
        order_items.unit_price,
        {{ round_money('order_items.quantity * order_items.unit_price') }} as gross_amount,
        orders.discount_amount as order_discount_amount,
        products.unit_cost,
        products.currency_code as cost_currency_code,
        orders.raw_row_hash as order_row_hash,
        order_items.raw_row_hash as item_row_hash,
        products.raw_row_hash as product_row_hash

    from order_items

    inner join orders
        on order_items.order_id = orders.order_id

    left join products
        on order_items.product_id = products.product_id

),

order_totals as (

    select
        *,
        sum(gross_amount) over (partition by order_id) as order_gross_amount,
        count(*) over (partition by order_id) as order_line_count,
        row_number() over (
            partition by order_id
            order by gross_amount desc, order_item_id asc
        ) as remainder_rank

    from order_lines

),

discount_shares as (

    select
        *,
        {{ round_money(
            'order_discount_amount * case when order_gross_amount > 0 then gross_amount / order_gross_amount '
            ~ 'else 1.0 / order_line_count end'
        ) }} as rounded_discount_amount

    from order_totals

),

discount_allocated as (

    select
        *,
        {{ allocate_remainder(
            'rounded_discount_amount', 'order_discount_amount', partition_by='order_id', rank_column='remainder_rank'
        ) }} as discount_amount

    from discount_shares

),

converted as (

    select
        discount_allocated.order_item_id,
        discount_allocated.order_id,
        discount_allocated.product_id,
        discount_allocated.customer_id,
        discount_allocated.sales_rep_id,
        discount_allocated.ordered_at,
        discount_allocated.order_date,
        discount_allocated.order_status,
        discount_allocated.is_revenue_order,
        discount_allocated.sales_channel,
        discount_allocated.currency_code,
        discount_allocated.quantity,
        discount_allocated.unit_price,
        discount_allocated.gross_amount,
        {{ round_money('discount_allocated.discount_amount') }} as discount_amount,
        {{ round_money('discount_allocated.gross_amount - discount_allocated.discount_amount') }} as net_amount,
        discount_allocated.cost_currency_code,
        discount_allocated.unit_cost,
        {{ round_money('discount_allocated.quantity * discount_allocated.unit_cost') }} as cost_amount,
        discount_allocated.remainder_rank,
        discount_allocated.order_row_hash,
        discount_allocated.item_row_hash,
        discount_allocated.product_row_hash,
        order_fx.rate_to_reporting as fx_rate_to_reporting,
        cost_fx.rate_to_reporting as cost_fx_rate_to_reporting,
        {{ round_money('discount_allocated.gross_amount * order_fx.rate_to_reporting') }}
            as rounded_gross_amount_reporting,
        {{ round_money('discount_allocated.discount_amount * order_fx.rate_to_reporting') }}
            as rounded_discount_amount_reporting,
        {{ round_money('discount_allocated.order_gross_amount * order_fx.rate_to_reporting') }}
            as order_gross_amount_reporting,
        {{ round_money('discount_allocated.order_discount_amount * order_fx.rate_to_reporting') }}
            as order_discount_amount_reporting,
        {{ round_money('discount_allocated.quantity * discount_allocated.unit_cost * cost_fx.rate_to_reporting') }}
            as cost_reporting

    from discount_allocated

    left join fx_rates_daily as order_fx
        on discount_allocated.currency_code = order_fx.currency_code
        and discount_allocated.order_date = order_fx.rate_date

    left join fx_rates_daily as cost_fx
        on discount_allocated.cost_currency_code = cost_fx.currency_code
        and discount_allocated.order_date = cost_fx.rate_date

),

-- The order's converted totals, rounded once, go to its lines like the discount:
-- each line its own rounded amount, the remainder cent to remainder_rank 1.
reporting_allocated as (

    select
        *,
        {{ allocate_remainder(
            'rounded_gross_amount_reporting', 'order_gross_amount_reporting', partition_by='order_id', rank_column='remainder_rank'
        ) }} as gross_amount_reporting,
        {{ allocate_remainder(
            'rounded_discount_amount_reporting', 'order_discount_amount_reporting', partition_by='order_id', rank_column='remainder_rank'
        ) }} as discount_amount_reporting

    from converted

),

net_amounts as (

    select
        *,
        gross_amount_reporting - discount_amount_reporting as net_amount_reporting

    from reporting_allocated

),

final as (

    select
        order_item_id,
        order_id,
        product_id,
        customer_id,
        sales_rep_id,
        ordered_at,
        order_date,
        order_status,
        is_revenue_order,
        sales_channel,
        currency_code,
        quantity,
        unit_price,
        gross_amount,
        discount_amount,
        net_amount,
        cost_currency_code,
        unit_cost,
        cost_amount,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        fx_rate_to_reporting,
        cost_fx_rate_to_reporting,
        fx_rate_to_reporting is not null as has_fx_rate,
        cast(gross_amount_reporting as numeric(18, 2)) as gross_amount_reporting,
        cast(discount_amount_reporting as numeric(18, 2)) as discount_amount_reporting,
        cast(net_amount_reporting as numeric(18, 2)) as net_amount_reporting,
        cost_reporting,
        cast(case when is_revenue_order then net_amount_reporting else 0 end as numeric(18, 2))
            as net_revenue_reporting,
        cast(case when is_revenue_order then net_amount_reporting - cost_reporting else 0 end as numeric(18, 2))
            as gross_margin_reporting,
        order_row_hash,
        item_row_hash,
        product_row_hash,
        {{ row_fingerprint([
            'order_row_hash', 'item_row_hash', 'product_row_hash', 'fx_rate_to_reporting', 'cost_fx_rate_to_reporting',
        ]) }} as line_fingerprint

    from net_amounts

)

select * from final
