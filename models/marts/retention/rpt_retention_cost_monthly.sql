{#-
    What it costs to keep a customer: one row per month of
    int_retention_months_spined, plus any earlier month with retention spend.
    Retention spend = the pools of int_customer_retention_spend_pooled (retention
    campaigns' spend to the as-of date, each row converted at its spend date's
    rate and rounded to the cent; a row without a fresh rate is counted, not
    valued) summed per spend month. Customers retained = active at the start
    (previous month end) and at the end of the month (fct_customer_months).
    Cost per retained customer = spend / retained, rounded to the cent; null
    when nobody was retained.
-#}
with

spend_pools as (

    select * from {{ ref('int_customer_retention_spend_pooled') }}

),

customer_months as (

    select * from {{ ref('fct_customer_months') }}

),

months as (

    select * from {{ ref('int_retention_months_spined') }}

),

spend as (

    select
        spend_month as month_start_date,
        count(distinct campaign_id) as retention_campaign_count,
        sum(spend_row_count) as spend_row_count,
        sum(unconverted_spend_row_count) as unconverted_spend_row_count,
        sum(spend_reporting) as retention_spend_reporting

    from spend_pools

    group by spend_month

),

retained as (

    select
        month_start_date,
        sum(case when is_active_at_start then 1 else 0 end) as customers_at_start_count,
        sum(case when is_active_at_start and is_active then 1 else 0 end) as retained_customer_count

    from customer_months

    group by month_start_date

),

all_months as (

    select month_start_date from months

    union

    select month_start_date from spend

),

final as (

    select
        cast(all_months.month_start_date as date) as month_start_date,
        cast(coalesce(retained.customers_at_start_count, 0) as {{ dbt.type_int() }}) as customers_at_start_count,
        cast(coalesce(retained.retained_customer_count, 0) as {{ dbt.type_int() }}) as retained_customer_count,
        cast(coalesce(spend.retention_campaign_count, 0) as {{ dbt.type_int() }}) as retention_campaign_count,
        cast(coalesce(spend.spend_row_count, 0) as {{ dbt.type_int() }}) as spend_row_count,
        cast(coalesce(spend.unconverted_spend_row_count, 0) as {{ dbt.type_int() }}) as unconverted_spend_row_count,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        cast(coalesce(spend.retention_spend_reporting, 0) as numeric(18, 2)) as retention_spend_reporting,
        case
            when retained.retained_customer_count > 0
                then {{ round_money('coalesce(spend.retention_spend_reporting, 0) / retained.retained_customer_count') }}
        end as retention_cost_per_retained_customer_reporting

    from all_months

    left join spend
        on all_months.month_start_date = spend.month_start_date

    left join retained
        on all_months.month_start_date = retained.month_start_date

)

select * from final
