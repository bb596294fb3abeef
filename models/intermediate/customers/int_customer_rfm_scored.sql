{#- A table, not a view: several models and data tests read it, and as a view each of them recomputed it (issue 14). -#}
{{ config(materialized='table') }}
{#-
    RFM at two reference points (int_customer_rfm_reference_dates), the same
    SQL on the same purchase history (int_customer_purchase_days) in the same
    build: 'current' at the as-of date, 'previous' at the as-of date minus var
    rfm_movement_days, each over the purchase days on or before its reference
    date and scored within its own population (customers with a purchase day
    to that date).
    Recency = days from the last purchase day to the reference date;
    frequency = distinct purchase days; monetary = total net revenue in the
    reporting currency.
    Scores 1-5, 5 best: r = rank() of the value from worst to best (equal
    values share the lowest rank), n = population size, score = 1 +
    floor(5 x (r - 1) / n). Equal values always get the same score, never
    split by id or row order, so a heavily tied value leaves scores unused.
    Segment: rfm_segment_map by recency score x frequency-monetary score
    (mean of F and M rounded half up). Left join: a pair missing from the seed
    leaves the segment null and fails the not_null tests (and the seed's own
    test) instead of dropping the customer.
-#}
{%- set scored_values = [
    ('recency', 'recency_days desc'),
    ('frequency', 'frequency asc'),
    ('monetary', 'monetary_reporting asc'),
] -%}
with

purchase_days as (

    select * from {{ ref('int_customer_purchase_days') }}

),

reference_dates as (

    select * from {{ ref('int_customer_rfm_reference_dates') }}

),

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

),

customer_values as (

    select
        purchase_days.customer_id,
        reference_dates.reference_point,
        reference_dates.reference_date,
        min(purchase_days.purchase_date) as first_purchase_date,
        max(purchase_days.purchase_date) as last_purchase_date,
        count(*) as frequency,
        sum(purchase_days.net_revenue_reporting) as monetary_reporting

    from purchase_days

    inner join reference_dates
        on purchase_days.purchase_date <= reference_dates.reference_date

    group by purchase_days.customer_id, reference_dates.reference_point, reference_dates.reference_date

),

with_recency as (

    select
        *,
        {{ dbt.datediff('last_purchase_date', 'reference_date', 'day') }}
            as recency_days

    from customer_values

),

ranked as (

    select
        *,
        count(*) over (partition by reference_point) as population_count,
        {% for name, worst_to_best in scored_values %}
            rank() over (partition by reference_point order by {{ worst_to_best }}) as {{ name }}_rank
            {%- if not loop.last %},{% endif %}
        {% endfor %}

    from with_recency

),

scored as (

    select
        *,
        {% for name, _ in scored_values %}
            1 + cast(floor(5.0 * ({{ name }}_rank - 1) / population_count) as {{ dbt.type_int() }})
                as {{ name }}_score
            {%- if not loop.last %},{% endif %}
        {% endfor %}

    from ranked

),

combined as (

    select
        *,
        cast(floor((frequency_score + monetary_score + 1) / 2.0) as {{ dbt.type_int() }}) as frequency_monetary_score,
        cast(recency_score as {{ dbt.type_string() }})
        || cast(frequency_score as {{ dbt.type_string() }})
        || cast(monetary_score as {{ dbt.type_string() }}) as rfm_score,
        recency_score + frequency_score + monetary_score as rfm_total

    from scored

),

segmented as (

    select
        combined.*,
        segment_map.rfm_segment,
        segment_map.segment_order

    from combined

    left join segment_map
        on combined.recency_score = segment_map.recency_score
        and combined.frequency_monetary_score = segment_map.frequency_monetary_score

),

final as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(reference_point as {{ dbt.type_string() }}) as reference_point,
        cast(reference_date as date) as reference_date,
        cast(first_purchase_date as date) as first_purchase_date,
        cast(last_purchase_date as date) as last_purchase_date,
        cast(recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(frequency as {{ dbt.type_int() }}) as frequency,
        cast(monetary_reporting as numeric(18, 2)) as monetary_reporting,
        cast(population_count as {{ dbt.type_int() }}) as population_count,
        cast(recency_rank as {{ dbt.type_int() }}) as recency_rank,
        cast(frequency_rank as {{ dbt.type_int() }}) as frequency_rank,
        cast(monetary_rank as {{ dbt.type_int() }}) as monetary_rank,
        cast(recency_score as {{ dbt.type_int() }}) as recency_score,
        cast(frequency_score as {{ dbt.type_int() }}) as frequency_score,
        cast(monetary_score as {{ dbt.type_int() }}) as monetary_score,
        cast(frequency_monetary_score as {{ dbt.type_int() }}) as frequency_monetary_score,
        cast(rfm_score as {{ dbt.type_string() }}) as rfm_score,
        cast(rfm_total as {{ dbt.type_int() }}) as rfm_total,
        cast(rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(segment_order as {{ dbt.type_int() }}) as segment_order

    from segmented

)

select * from final
