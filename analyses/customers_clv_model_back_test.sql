-- Can we trust the CLV model: the fitted BG/NBD and Gamma-Gamma parameters of both calibrations and the holdout
-- back-test (predicted against actual purchases per calibration frequency, and the total). DuckDB only.
-- Compile with `dbt compile -s customers_clv_model_back_test` and run the SQL in target/compiled.
{{ config(enabled=python_models_enabled()) }}
with

parameters as (

    select * from {{ ref('clv_model_parameters') }}

),

holdout_check as (

    select * from {{ ref('rpt_clv_holdout_check') }}

),

back_test as (

    select
        holdout_check.bucket_order,
        holdout_check.frequency_bucket,
        holdout_check.customers,
        holdout_check.actual_purchases,
        holdout_check.predicted_purchases,
        holdout_check.predicted_purchases / nullif(holdout_check.actual_purchases, 0) as predicted_to_actual,
        holdout_check.mean_absolute_error,
        parameters.r,
        parameters.alpha,
        parameters.a,
        parameters.b,
        parameters.bgnbd_log_likelihood,
        parameters.is_bgnbd_converged

    from holdout_check

    inner join parameters
        on holdout_check.calibration_end_date = parameters.calibration_end_date

    where parameters.calibration = 'holdout'

)

select * from back_test
order by bucket_order
