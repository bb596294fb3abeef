{#-
    Next-product recommendations from product affinity. For every customer:
    the products they have not bought (revenue orders to the as-of date) that
    are on sale at the as-of date (launched on or before it, or with no launch
    date), reached by a rule antecedent -> product of rpt_product_affinity
    (either direction of a kept pair) whose antecedent they bought and whose
    lift exceeds var next_product_min_lift. Each product takes its best
    antecedent (highest lift, then highest confidence, then lowest
    product_id); products are ranked the same way (lift, confidence,
    product_id) and the first three kept.
-#}
with

baskets as (

    select * from {{ ref('int_customer_baskets_collected') }}

),

affinity as (

    select * from {{ ref('rpt_product_affinity') }}

),

products as (

    select * from {{ ref('dim_products') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

bought as (

    select distinct
        customer_id,
        product_id

    from baskets

),

rules as (

    select
        product_a_id as antecedent_product_id,
        product_b_id as product_id,
        confidence_a_to_b as confidence,
        lift,
        pair_support

    from affinity

    union all

    select
        product_b_id as antecedent_product_id,
        product_a_id as product_id,
        confidence_b_to_a as confidence,
        lift,
        pair_support

    from affinity

),

on_sale as (

    select
        products.product_id,
        products.product_name

    from products

    cross join as_of

    where products.launch_date is null or products.launch_date <= as_of.as_of_date

),

candidates as (

    select
        bought.customer_id,
        rules.product_id,
        on_sale.product_name,
        rules.antecedent_product_id,
        rules.lift,
        rules.confidence,
        rules.pair_support

    from bought

    inner join rules
        on bought.product_id = rules.antecedent_product_id

    inner join on_sale
        on rules.product_id = on_sale.product_id

    left join bought as already_bought
        on bought.customer_id = already_bought.customer_id
        and rules.product_id = already_bought.product_id

    where
        already_bought.product_id is null
        and rules.lift > {{ var('next_product_min_lift') }}

),

best_antecedent as (

    select
        *,
        row_number() over (
            partition by customer_id, product_id
            order by lift desc, confidence desc, antecedent_product_id asc
        ) as antecedent_rank

    from candidates

),

ranked as (

    select
        *,
        row_number() over (
            partition by customer_id
            order by lift desc, confidence desc, product_id asc
        ) as recommendation_rank

    from best_antecedent

    where antecedent_rank = 1

),

final as (

    select
        cast({{ surrogate_key(['customer_id', 'recommendation_rank']) }} as {{ dbt.type_string() }}) as next_product_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(recommendation_rank as {{ dbt.type_int() }}) as recommendation_rank,
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        cast(product_name as {{ dbt.type_string() }}) as product_name,
        cast(antecedent_product_id as {{ dbt.type_string() }}) as antecedent_product_id,
        cast(lift as double precision) as lift,
        cast(confidence as double precision) as confidence,
        cast(pair_support as double precision) as pair_support

    from ranked

    where recommendation_rank <= 3

)

select * from final
