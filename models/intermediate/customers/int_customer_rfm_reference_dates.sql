{#-
    The two days RFM is computed at, defined once: 'current' = the as-of date
    (int_as_of_date), 'previous' = the as-of date minus var rfm_movement_days
    (default 90). The scoring and the movement marts read them from here.
-#}
with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

reference_points as (

    select
        'current' as reference_point,
        as_of_date as reference_date

    from as_of

    union all

    select
        'previous' as reference_point,
        {{ dbt.dateadd('day', -1 * var('rfm_movement_days'), 'as_of_date') }} as reference_date

    from as_of

),

final as (

    select
        cast(reference_point as {{ dbt.type_string() }}) as reference_point,
        cast(reference_date as date) as reference_date

    from reference_points

)

select * from final
