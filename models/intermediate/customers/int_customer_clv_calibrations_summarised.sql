{#-
    The inputs of the CLV fit, per customer per calibration, from the shared
    purchase history (int_customer_purchase_days: one purchase per customer-day,
    same-day revenue orders summed). Two calibration end dates E:
      'as_of'   E = the as-of date (the production fit and the predictions);
      'holdout' E = var clv_calibration_end, by default the as-of date minus
                var clv_holdout_days (the back-test, rpt_clv_holdout_check).
    Customers fitted: a first purchase day on or before E. Day precision: the
    fit divides the day counts by 7.0 (weeks), never buckets them.
-#}
{%- set holdout_days = var('clv_holdout_days', 180) | int -%}
{%- set calibration_end_var = var('clv_calibration_end', none) -%}
{%- if calibration_end_var is not none and calibration_end_var | string | trim != '' -%}
    {%- set holdout_end_expression = "cast('" ~ (calibration_end_var | string | trim) ~ "' as date)" -%}
{%- else -%}
    {%- set holdout_end_expression = "cast(" ~ dbt.dateadd('day', -holdout_days, 'as_of_date') ~ " as date)" -%}
{%- endif -%}
with

purchase_days as (

    select * from {{ ref('int_customer_purchase_days') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

calibrations as (

    select
        'as_of' as calibration,
        as_of_date as calibration_end_date,
        as_of_date

    from as_of

    union all

    select
        'holdout' as calibration,
        {{ holdout_end_expression }} as calibration_end_date,
        as_of_date

    from as_of

),

calibration_purchases as (

    select
        calibrations.calibration,
        calibrations.calibration_end_date,
        calibrations.as_of_date,
        purchase_days.customer_id,
        purchase_days.purchase_date,
        purchase_days.first_purchase_date,
        purchase_days.net_revenue_reporting,
        purchase_days.purchase_date <= calibrations.calibration_end_date as is_in_calibration

    from purchase_days

    inner join calibrations
        on purchase_days.first_purchase_date <= calibrations.calibration_end_date

),

summarised as (

    select
        calibration,
        customer_id,
        calibration_end_date,
        as_of_date,
        first_purchase_date,
        max(case when is_in_calibration then purchase_date end) as last_purchase_date,
        sum(case when is_in_calibration then 1 else 0 end) - 1 as frequency,
        sum(
            case when is_in_calibration and purchase_date > first_purchase_date then net_revenue_reporting end
        ) as repeat_net_revenue_reporting,
        sum(case when is_in_calibration then 0 else 1 end) as holdout_purchase_days

    from calibration_purchases

    group by calibration, customer_id, calibration_end_date, as_of_date, first_purchase_date

),

final as (

    select
        cast(calibration as {{ dbt.type_string() }}) as calibration,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(calibration_end_date as date) as calibration_end_date,
        cast(first_purchase_date as date) as first_purchase_date,
        cast(last_purchase_date as date) as last_purchase_date,
        cast(frequency as {{ dbt.type_int() }}) as frequency,
        cast(
            {{ dbt.datediff('first_purchase_date', 'last_purchase_date', 'day') }}
            as {{ dbt.type_int() }}
        ) as recency_days,
        cast(
            {{ dbt.datediff('first_purchase_date', 'calibration_end_date', 'day') }}
            as {{ dbt.type_int() }}
        ) as age_days,
        cast(repeat_net_revenue_reporting as numeric(18, 2)) as repeat_net_revenue_reporting,
        cast(
            case when frequency > 0 then repeat_net_revenue_reporting / frequency end as double precision
        ) as monetary_value_reporting,
        cast(
            {{ dbt.datediff('calibration_end_date', 'as_of_date', 'day') }}
            as {{ dbt.type_int() }}
        ) as holdout_days,
        cast(holdout_purchase_days as {{ dbt.type_int() }}) as holdout_purchase_days

    from summarised

)

select * from final
