-- median() and percentile() on hand-worked values, the same on every engine:
-- odd count {1, 2, 4}: median 2, p90 = 2 + 0.8 x (4 - 2) = 3.6;
-- even count {1, 2, 3, 10}: median (2 + 3) / 2 = 2.5, p90 = 3 + 0.7 x (10 - 3) = 7.9;
-- only nulls: null. Returns a row for every wrong answer or missing group.
with

cases as (

    select
        case_values.case_id,
        cast(case_values.value_x as double precision) as value_x

    from (
        values
        (1, 1),
        (1, 2),
        (1, 4),
        (2, 1),
        (2, 2),
        (2, 3),
        (2, 10),
        (3, null)
    ) as case_values (case_id, value_x)

),

expected as (

    select
        expected_values.case_id,
        cast(expected_values.expected_median as double precision) as expected_median,
        cast(expected_values.expected_p90 as double precision) as expected_p90

    from (
        values
        (1, 2.0, 3.6),
        (2, 2.5, 7.9),
        (3, null, null)
    ) as expected_values (case_id, expected_median, expected_p90)

),

computed as (

    select
        case_id,
        {{ median('value_x') }} as computed_median,
        {{ percentile('value_x', 0.9) }} as computed_p90

    from cases

    group by case_id

)

select
    expected.case_id,
    computed.computed_median,
    computed.computed_p90

from expected

left join computed
    on expected.case_id = computed.case_id

where
    computed.case_id is null
    or not (
        (expected.expected_median is null and computed.computed_median is null)
        or abs(computed.computed_median - expected.expected_median) < 1e-9
    )
    or not (
        (expected.expected_p90 is null and computed.computed_p90 is null)
        or abs(computed.computed_p90 - expected.expected_p90) < 1e-9
    )
