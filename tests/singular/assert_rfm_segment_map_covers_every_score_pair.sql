-- The seed rfm_segment_map maps every one of the 25 (recency score, frequency-monetary
-- score) pairs exactly once, each of the 11 named segments at least once, and gives a
-- segment one segment_order. Returns a row per missing or repeated pair, per missing
-- segment and per segment and order that are not one-to-one.
with

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

),

scores as (

    select score_values.score

    from (
        values
        (1),
        (2),
        (3),
        (4),
        (5)
    ) as score_values (score)

),

segments as (

    select segment_values.rfm_segment

    from (
        values
        ('champions'),
        ('loyal'),
        ('potential_loyalist'),
        ('new'),
        ('promising'),
        ('need_attention'),
        ('about_to_sleep'),
        ('at_risk'),
        ('cannot_lose'),
        ('hibernating'),
        ('lost')
    ) as segment_values (rfm_segment)

),

pairs as (

    select
        recency_scores.score as recency_score,
        frequency_monetary_scores.score as frequency_monetary_score

    from scores as recency_scores

    cross join scores as frequency_monetary_scores

),

pair_problems as (

    select
        'pair ' || cast(pairs.recency_score as {{ dbt.type_string() }})
        || cast(pairs.frequency_monetary_score as {{ dbt.type_string() }})
        || ' mapped ' || cast(count(segment_map.rfm_segment) as {{ dbt.type_string() }}) || ' times' as problem

    from pairs

    left join segment_map
        on pairs.recency_score = segment_map.recency_score
        and pairs.frequency_monetary_score = segment_map.frequency_monetary_score

    group by pairs.recency_score, pairs.frequency_monetary_score

    having count(segment_map.rfm_segment) <> 1

),

extra_rows as (

    select 'row outside the 25 pairs' as problem

    from segment_map

    left join pairs
        on segment_map.recency_score = pairs.recency_score
        and segment_map.frequency_monetary_score = pairs.frequency_monetary_score

    where pairs.recency_score is null

),

segment_problems as (

    select 'segment ' || segments.rfm_segment || ' never mapped' as problem

    from segments

    left join segment_map
        on segments.rfm_segment = segment_map.rfm_segment

    where segment_map.rfm_segment is null

),

order_problems as (

    select 'segment ' || rfm_segment || ' has several segment_order values' as problem

    from segment_map

    group by rfm_segment

    having count(distinct segment_order) <> 1

    union all

    select 'segment_order ' || cast(segment_order as {{ dbt.type_string() }}) || ' has several segments' as problem

    from segment_map

    group by segment_order

    having count(distinct rfm_segment) <> 1

),

final as (

    select problem from pair_problems

    union all

    select problem from extra_rows

    union all

    select problem from segment_problems

    union all

    select problem from order_problems

)

select * from final
