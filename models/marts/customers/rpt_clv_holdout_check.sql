{#-
    The back-test of the CLV fit, as lifetimes users plot it: BG/NBD fitted on
    the purchases up to the holdout calibration end E (var clv_calibration_end,
    default as-of date minus clv_holdout_days), its expected purchases in the
    holdout window (E, as-of date] against the purchase days actually made there,
    per calibration frequency (repeat purchase days 0..6, 7+) and in total.
    DuckDB only: it reads the Python model's predictions.
-#}
with

predictions as (

    select * from {{ ref('int_customer_clv_predictions_scored') }}

    where calibration = 'holdout'

),

bucketed as (

    select
        calibration_end_date,
        holdout_days,
        case when frequency >= 7 then '7+' else cast(frequency as {{ dbt.type_string() }}) end as frequency_bucket,
        case when frequency >= 7 then 7 else frequency end as bucket_order,
        holdout_purchase_days,
        expected_purchases_holdout,
        abs(expected_purchases_holdout - holdout_purchase_days) as absolute_error

    from predictions

),

per_bucket as (

    select
        calibration_end_date,
        holdout_days,
        frequency_bucket,
        bucket_order,
        count(*) as customers,
        sum(holdout_purchase_days) as actual_purchases,
        sum(expected_purchases_holdout) as predicted_purchases,
        sum(absolute_error) as total_absolute_error

    from bucketed

    group by calibration_end_date, holdout_days, frequency_bucket, bucket_order

),

total as (

    select
        calibration_end_date,
        holdout_days,
        'total' as frequency_bucket,
        8 as bucket_order,
        count(*) as customers,
        sum(holdout_purchase_days) as actual_purchases,
        sum(expected_purchases_holdout) as predicted_purchases,
        sum(absolute_error) as total_absolute_error

    from bucketed

    group by calibration_end_date, holdout_days

),

unioned as (

    select * from per_bucket

    union all

    select * from total

),

final as (

    select
        cast(frequency_bucket as {{ dbt.type_string() }}) as frequency_bucket,
        cast(bucket_order as {{ dbt.type_int() }}) as bucket_order,
        cast(frequency_bucket = 'total' as {{ dbt.type_boolean() }}) as is_total,
        cast(calibration_end_date as date) as calibration_end_date,
        cast(holdout_days as {{ dbt.type_int() }}) as holdout_days,
        cast(customers as {{ dbt.type_int() }}) as customers,
        cast(actual_purchases as {{ dbt.type_int() }}) as actual_purchases,
        cast(predicted_purchases as double precision) as predicted_purchases,
        cast(actual_purchases * 1.0 / customers as double precision) as actual_mean_purchases,
        cast(predicted_purchases / customers as double precision) as predicted_mean_purchases,
        cast(total_absolute_error / customers as double precision) as mean_absolute_error

    from unioned

)

select * from final
