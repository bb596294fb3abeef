{#-
    order_lines_to_recompute(held, orders, order_items, products, fx_rates_daily): a select of the
    order_id of every order whose converted lines in held (the incremental int_order_items_converted,
    {{ this }}) are stale: a held line whose item, order or product is no longer the accepted row it
    was computed from (raw_row_hash differs, or the row is gone), or whose order-date rate (order or
    cost currency) is no longer the rate in fx_rates_daily; plus every order with an accepted line
    that held lacks (a new line, or a new order). A line's amounts depend on every line of its order
    (the discount and the remainder cents are allocated across them), so the whole order is
    recomputed. The other arguments are the current relations (stg_crm__orders,
    stg_crm__order_items, stg_crm__products, int_fx_rates_daily). Null-safe comparisons by
    coalesce: hashes are never empty and rates are never negative.
-#}
{% macro order_lines_to_recompute(held, orders, order_items, products, fx_rates_daily) -%}
    select held.order_id

    from {{ held }} as held

    left join {{ order_items }} as current_items
        on held.order_item_id = current_items.order_item_id

    left join {{ orders }} as current_orders
        on held.order_id = current_orders.order_id

    left join {{ products }} as current_products
        on held.product_id = current_products.product_id

    left join {{ fx_rates_daily }} as order_fx
        on held.currency_code = order_fx.currency_code
        and held.order_date = order_fx.rate_date

    left join {{ fx_rates_daily }} as cost_fx
        on held.cost_currency_code = cost_fx.currency_code
        and held.order_date = cost_fx.rate_date

    where coalesce(current_items.raw_row_hash, '') <> held.item_row_hash
        or coalesce(current_orders.raw_row_hash, '') <> held.order_row_hash
        or coalesce(current_products.raw_row_hash, '') <> coalesce(held.product_row_hash, '')
        or coalesce(order_fx.rate_to_reporting, -1) <> coalesce(held.fx_rate_to_reporting, -1)
        or coalesce(cost_fx.rate_to_reporting, -1) <> coalesce(held.cost_fx_rate_to_reporting, -1)

    union

    {{ groups_with_rows_not_held(order_items, held, 'order_id', 'order_item_id') }}
{%- endmacro %}
