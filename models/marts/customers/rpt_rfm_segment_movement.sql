{#-
    The RFM movement matrix: where the customers of each segment at the
    previous reference date (as-of date minus var rfm_movement_days) stand at
    the as-of date. One row per (previous segment, current segment) pair with
    at least one customer; customers who had not bought by the previous date
    have the previous segment 'not_a_customer'. Every customer of a previous
    segment is a customer now (purchase history only grows), so the shares of
    a previous segment's rows add up to 1.
-#}
with

customer_rfm as (

    select * from {{ ref('fct_customer_rfm') }}

),

movements as (

    select
        coalesce(previous_rfm_segment, 'not_a_customer') as previous_rfm_segment,
        rfm_segment,
        previous_as_of_date,
        as_of_date

    from customer_rfm

),

pair_counts as (

    select
        previous_rfm_segment,
        rfm_segment,
        previous_as_of_date,
        as_of_date,
        count(*) as customer_count

    from movements

    group by previous_rfm_segment, rfm_segment, previous_as_of_date, as_of_date

),

with_previous_totals as (

    select
        *,
        sum(customer_count) over (partition by previous_rfm_segment) as previous_segment_customer_count

    from pair_counts

),

final as (

    select
        cast({{ surrogate_key(['previous_rfm_segment', 'rfm_segment']) }} as {{ dbt.type_string() }})
            as rfm_segment_movement_id,
        cast(previous_rfm_segment as {{ dbt.type_string() }}) as previous_rfm_segment,
        cast(rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(previous_as_of_date as date) as previous_as_of_date,
        cast(as_of_date as date) as as_of_date,
        cast(previous_rfm_segment = rfm_segment as {{ dbt.type_boolean() }}) as is_same_segment,
        cast(customer_count as {{ dbt.type_int() }}) as customer_count,
        cast(previous_segment_customer_count as {{ dbt.type_int() }}) as previous_segment_customer_count,
        cast(1.0 * customer_count / previous_segment_customer_count as double precision) as previous_segment_share

    from with_previous_totals

)

select * from final
