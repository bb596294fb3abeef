{#-
    One row per customer with at least one revenue purchase on or before the
    as-of date: the current RFM figures, scores and segment
    (int_customer_rfm_scored, reference point 'current') and the customer's
    segment at the as-of date minus var rfm_movement_days (reference point
    'previous'; null when the customer had not bought by then).
-#}
with

rfm_scored as (

    select * from {{ ref('int_customer_rfm_scored') }}

),

current_rfm as (

    select * from rfm_scored

    where reference_point = 'current'

),

previous_rfm as (

    select * from rfm_scored

    where reference_point = 'previous'

),

reference_dates as (

    select * from {{ ref('int_customer_rfm_reference_dates') }}

),

previous_date as (

    select reference_date as previous_as_of_date

    from reference_dates

    where reference_point = 'previous'

),

final as (

    select
        cast(current_rfm.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(current_rfm.reference_date as date) as as_of_date,
        cast(current_rfm.first_purchase_date as date) as first_purchase_date,
        cast(current_rfm.last_purchase_date as date) as last_purchase_date,
        cast(current_rfm.recency_days as {{ dbt.type_int() }}) as recency_days,
        cast(current_rfm.frequency as {{ dbt.type_int() }}) as frequency,
        cast(current_rfm.monetary_reporting as numeric(18, 2)) as monetary_reporting,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        cast(current_rfm.recency_score as {{ dbt.type_int() }}) as recency_score,
        cast(current_rfm.frequency_score as {{ dbt.type_int() }}) as frequency_score,
        cast(current_rfm.monetary_score as {{ dbt.type_int() }}) as monetary_score,
        cast(current_rfm.frequency_monetary_score as {{ dbt.type_int() }}) as frequency_monetary_score,
        cast(current_rfm.rfm_score as {{ dbt.type_string() }}) as rfm_score,
        cast(current_rfm.rfm_total as {{ dbt.type_int() }}) as rfm_total,
        cast(current_rfm.rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(previous_date.previous_as_of_date as date) as previous_as_of_date,
        cast(previous_rfm.rfm_score as {{ dbt.type_string() }}) as previous_rfm_score,
        cast(previous_rfm.rfm_segment as {{ dbt.type_string() }}) as previous_rfm_segment

    from current_rfm

    cross join previous_date

    left join previous_rfm
        on current_rfm.customer_id = previous_rfm.customer_id

)

select * from final
