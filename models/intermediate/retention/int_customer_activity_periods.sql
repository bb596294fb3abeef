{#-
    When each customer counted as active: the one definition of "active" that
    every retention model reads (METRICS.md "Retention": a live contract, or a
    revenue purchase within the inactivity window). A customer is active on day
    D when one of their periods contains D (period_start_date <= D and
    period_end_date is null or >= D); the basis is 'contract' when a contract
    period contains D, else 'purchase'.
    - contract: a subscription from its contract start to the last day it was
      in force: its contract end date, or the day it was cancelled when that is
      earlier (a cancelled contract stops serving at cancellation); open-ended
      (null end) when the export has neither. Contracts starting after the
      as-of date are left out.
    - purchase: every purchase day (int_customer_purchase_days: revenue orders
      to the as-of date) keeps the customer active for inactivity_window_days
      days, the purchase day included: to purchase_date + window - 1.
-#}
{%- set window_days = var('inactivity_window_days') | int -%}
with

subscriptions as (

    select * from {{ ref('stg_crm__subscriptions') }}

),

purchase_days as (

    select * from {{ ref('int_customer_purchase_days') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

contract_periods as (

    select
        subscriptions.customer_id,
        cast('contract' as {{ dbt.type_string() }}) as activity_basis,
        subscriptions.subscription_id,
        subscriptions.plan,
        subscriptions.mrr,
        subscriptions.currency_code,
        subscriptions.contract_start_date as period_start_date,
        case
            when subscriptions.cancelled_at is null then subscriptions.contract_end_date
            when subscriptions.contract_end_date is null then cast(subscriptions.cancelled_at as date)
            when cast(subscriptions.cancelled_at as date) < subscriptions.contract_end_date
                then cast(subscriptions.cancelled_at as date)
            else subscriptions.contract_end_date
        end as period_end_date

    from subscriptions

    inner join as_of
        on subscriptions.contract_start_date <= as_of.as_of_date

),

purchase_periods as (

    select
        customer_id,
        cast('purchase' as {{ dbt.type_string() }}) as activity_basis,
        cast(null as {{ dbt.type_string() }}) as subscription_id,
        cast(null as {{ dbt.type_string() }}) as plan,
        cast(null as numeric(28, 6)) as mrr,
        cast(null as {{ dbt.type_string() }}) as currency_code,
        purchase_date as period_start_date,
        cast({{ dbt.dateadd('day', window_days - 1, 'purchase_date') }} as date) as period_end_date

    from purchase_days

),

periods as (

    select * from contract_periods

    union all

    select * from purchase_periods

),

final as (

    select
        {{ surrogate_key(["activity_basis", "customer_id", "coalesce(subscription_id, '')", "period_start_date"]) }}
            as activity_period_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(activity_basis as {{ dbt.type_string() }}) as activity_basis,
        cast(subscription_id as {{ dbt.type_string() }}) as subscription_id,
        cast(plan as {{ dbt.type_string() }}) as plan,
        cast(mrr as numeric(28, 6)) as mrr,
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,
        cast(period_start_date as date) as period_start_date,
        cast(period_end_date as date) as period_end_date

    from periods

)

select * from final
