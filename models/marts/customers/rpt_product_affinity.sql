{#-
    Product pairs bought in the same order (market basket analysis). Baskets:
    int_customer_baskets_collected (revenue orders to the as-of date, distinct
    products). The denominator is every basket, single-product orders
    included. A pair is kept when its support is at least var
    affinity_min_support and it was bought together in at least var
    affinity_min_pair_orders orders; both thresholds are compared exactly (in
    counts), never in floating point.
-#}
with

baskets as (

    select * from {{ ref('int_customer_baskets_collected') }}

),

products as (

    select * from {{ ref('dim_products') }}

),

basket_count as (

    select count(distinct order_id) as total_order_count

    from baskets

),

product_orders as (

    select
        product_id,
        count(*) as order_count

    from baskets

    group by product_id

),

pairs as (

    select
        basket_a.product_id as product_a_id,
        basket_b.product_id as product_b_id,
        count(*) as pair_order_count

    from baskets as basket_a

    inner join baskets as basket_b
        on basket_a.order_id = basket_b.order_id
        and basket_a.product_id < basket_b.product_id

    group by basket_a.product_id, basket_b.product_id

),

measured as (

    select
        pairs.product_a_id,
        pairs.product_b_id,
        pairs.pair_order_count,
        orders_a.order_count as product_a_order_count,
        orders_b.order_count as product_b_order_count,
        basket_count.total_order_count,
        cast(pairs.pair_order_count as double precision) / basket_count.total_order_count as pair_support,
        cast(pairs.pair_order_count as double precision) / orders_a.order_count as confidence_a_to_b,
        cast(pairs.pair_order_count as double precision) / orders_b.order_count as confidence_b_to_a,
        cast(pairs.pair_order_count as double precision) * basket_count.total_order_count
        / (cast(orders_a.order_count as double precision) * orders_b.order_count) as lift

    from pairs

    inner join product_orders as orders_a
        on pairs.product_a_id = orders_a.product_id

    inner join product_orders as orders_b
        on pairs.product_b_id = orders_b.product_id

    cross join basket_count

    where
        pairs.pair_order_count >= {{ var('affinity_min_pair_orders') }}
        and cast(pairs.pair_order_count as numeric(38, 10))
        >= cast({{ var('affinity_min_support') }} as numeric(38, 10)) * basket_count.total_order_count

),

final as (

    select
        cast({{ surrogate_key(['measured.product_a_id', 'measured.product_b_id']) }} as {{ dbt.type_string() }})
            as product_affinity_id,
        cast(measured.product_a_id as {{ dbt.type_string() }}) as product_a_id,
        cast(product_a.product_name as {{ dbt.type_string() }}) as product_a_name,
        cast(measured.product_b_id as {{ dbt.type_string() }}) as product_b_id,
        cast(product_b.product_name as {{ dbt.type_string() }}) as product_b_name,
        cast(measured.pair_order_count as {{ dbt.type_int() }}) as pair_order_count,
        cast(measured.product_a_order_count as {{ dbt.type_int() }}) as product_a_order_count,
        cast(measured.product_b_order_count as {{ dbt.type_int() }}) as product_b_order_count,
        cast(measured.total_order_count as {{ dbt.type_int() }}) as total_order_count,
        cast(measured.pair_support as double precision) as pair_support,
        cast(measured.confidence_a_to_b as double precision) as confidence_a_to_b,
        cast(measured.confidence_b_to_a as double precision) as confidence_b_to_a,
        cast(measured.lift as double precision) as lift

    from measured

    left join products as product_a
        on measured.product_a_id = product_a.product_id

    left join products as product_b
        on measured.product_b_id = product_b.product_id

)

select * from final
