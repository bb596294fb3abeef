{#-
    One row per RFM segment of the seed rfm_segment_map (all 11, zeros and
    null averages when a segment is empty) at the as-of date: customers and
    revenue (their total net revenue to date, the RFM monetary value) with
    their shares of all customers of fct_customer_rfm, and the segment's
    average recency, frequency and monetary value. A share is null when its
    denominator is 0.
-#}
with

customer_rfm as (

    select * from {{ ref('fct_customer_rfm') }}

),

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

),

reference_dates as (

    select * from {{ ref('int_customer_rfm_reference_dates') }}

),

segments as (

    select distinct
        rfm_segment,
        segment_order

    from segment_map

),

segment_figures as (

    select
        rfm_segment,
        count(*) as customer_count,
        sum(monetary_reporting) as revenue_reporting,
        avg(cast(recency_days as double precision)) as avg_recency_days,
        avg(cast(frequency as double precision)) as avg_frequency,
        sum(monetary_reporting) / count(*) as avg_monetary_reporting

    from customer_rfm

    group by rfm_segment

),

totals as (

    select
        count(*) as total_customer_count,
        sum(monetary_reporting) as total_revenue_reporting

    from customer_rfm

),

as_of as (

    select reference_date as as_of_date

    from reference_dates

    where reference_point = 'current'

),

segment_rows as (

    select
        segments.rfm_segment,
        segments.segment_order,
        as_of.as_of_date,
        coalesce(segment_figures.customer_count, 0) as customer_count,
        coalesce(segment_figures.revenue_reporting, 0) as revenue_reporting,
        totals.total_customer_count,
        totals.total_revenue_reporting,
        segment_figures.avg_recency_days,
        segment_figures.avg_frequency,
        segment_figures.avg_monetary_reporting

    from segments

    cross join totals

    cross join as_of

    left join segment_figures
        on segments.rfm_segment = segment_figures.rfm_segment

),

final as (

    select
        cast(rfm_segment as {{ dbt.type_string() }}) as rfm_segment,
        cast(segment_order as {{ dbt.type_int() }}) as segment_order,
        cast(as_of_date as date) as as_of_date,
        cast(customer_count as {{ dbt.type_int() }}) as customer_count,
        cast(
            case when total_customer_count > 0 then 1.0 * customer_count / total_customer_count end
            as double precision
        ) as customer_share,
        cast(revenue_reporting as numeric(18, 2)) as revenue_reporting,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        cast(
            case
                when total_revenue_reporting <> 0
                    then cast(revenue_reporting as double precision) / cast(total_revenue_reporting as double precision)
            end as double precision
        ) as revenue_share,
        cast(avg_recency_days as double precision) as avg_recency_days,
        cast(avg_frequency as double precision) as avg_frequency,
        {{ round_money('avg_monetary_reporting') }} as avg_monetary_reporting

    from segment_rows

)

select * from final
