{#-
    Cohort retention, logo and revenue. A customer's cohort is the month of
    their first purchase day (int_customer_purchase_days: revenue orders to the
    as-of date, same-day orders summed). Every cohort gets one row per month
    from its own month (months_since 0) to the as-of month, a dense grid: a
    month nobody in the cohort bought in is a row with 0 active customers and 0
    revenue. Active = at least one purchase day in the month. The as-of month
    is partial when the as-of date is not its last day (is_partial_month).
-#}
with

purchase_days as (

    select * from {{ ref('int_customer_purchase_days') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

purchase_months as (

    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'first_purchase_date') }} as date) as cohort_month,
        cast({{ dbt.date_trunc('month', 'purchase_date') }} as date) as activity_month,
        net_revenue_reporting

    from purchase_days

),

cohorts as (

    select
        cohort_month,
        count(distinct customer_id) as cohort_size

    from purchase_months

    group by cohort_month

),

cohort_activity as (

    select
        cohort_month,
        activity_month,
        count(distinct customer_id) as active_customer_count,
        sum(net_revenue_reporting) as net_revenue_reporting

    from purchase_months

    group by cohort_month, activity_month

),

calendar as (

    {{ month_spine(
        '(select min(cohorts.cohort_month) from cohorts)',
        '(select as_of.as_of_date from as_of)'
    ) | indent(4) }}

),

months as (

    select month_start_date as activity_month from calendar

),

grid as (

    select
        cohorts.cohort_month,
        months.activity_month,
        cohorts.cohort_size

    from cohorts

    inner join months
        on cohorts.cohort_month <= months.activity_month

),

grid_numbered as (

    select
        *,
        {{ dbt.datediff('cohort_month', 'activity_month', 'month') }}
            as months_since

    from grid

),

month_zero as (

    select
        cohort_month,
        net_revenue_reporting as month_zero_net_revenue_reporting

    from cohort_activity

    where activity_month = cohort_month

),

cells as (

    select
        grid.cohort_month,
        grid.months_since,
        grid.activity_month,
        as_of.as_of_date < cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'grid.activity_month')) }} as date)
            as is_partial_month,
        grid.cohort_size,
        coalesce(cohort_activity.active_customer_count, 0) as active_customer_count,
        coalesce(cohort_activity.net_revenue_reporting, 0) as net_revenue_reporting,
        month_zero.month_zero_net_revenue_reporting

    from grid_numbered as grid

    cross join as_of

    left join cohort_activity
        on grid.cohort_month = cohort_activity.cohort_month
        and grid.activity_month = cohort_activity.activity_month

    left join month_zero
        on grid.cohort_month = month_zero.cohort_month

),

final as (

    select
        cast({{ surrogate_key(['cohort_month', 'months_since']) }} as {{ dbt.type_string() }}) as cohort_retention_id,
        cast(cohort_month as date) as cohort_month,
        cast(months_since as {{ dbt.type_int() }}) as months_since,
        cast(activity_month as date) as activity_month,
        cast(is_partial_month as {{ dbt.type_boolean() }}) as is_partial_month,
        cast(cohort_size as {{ dbt.type_int() }}) as cohort_size,
        cast(active_customer_count as {{ dbt.type_int() }}) as active_customer_count,
        cast(cast(active_customer_count as double precision) / cohort_size as double precision) as retention_share,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        cast(net_revenue_reporting as numeric(18, 2)) as net_revenue_reporting,
        cast(month_zero_net_revenue_reporting as numeric(18, 2)) as month_zero_net_revenue_reporting,
        cast(
            case
                when month_zero_net_revenue_reporting <> 0
                    then cast(net_revenue_reporting as double precision) / cast(month_zero_net_revenue_reporting as double precision)
            end
            as double precision
        ) as revenue_retention_rate

    from cells

)

select * from final
