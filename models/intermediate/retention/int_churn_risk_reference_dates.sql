{#-
    The two days churn risk is scored at, defined once: 'current' = the as-of
    date (int_as_of_date: fct_churn_risk and the alerts), 'backtest' = the
    as-of date minus var churn_risk_backtest_days (default 90: the back-test
    scores there and measures churn at the as-of date).
-#}
with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

reference_points as (

    select
        'current' as reference_point,
        as_of_date as reference_date,
        as_of_date

    from as_of

    union all

    select
        'backtest' as reference_point,
        {{ dbt.dateadd('day', -1 * var('churn_risk_backtest_days'), 'as_of_date') }} as reference_date,
        as_of_date

    from as_of

),

final as (

    select
        cast(reference_point as {{ dbt.type_string() }}) as reference_point,
        cast(reference_date as date) as reference_date,
        cast(as_of_date as date) as as_of_date

    from reference_points

)

select * from final
