{#-
    The monthly KPI scoreboard: one row per calendar month (macro month_spine)
    from the first month any source KPI has a value to the as-of month. Every
    KPI is READ from the mart that defines it, from its overall row; nothing is
    defined again here: rpt_satisfaction_monthly (NPS, CES), rpt_renewals,
    rpt_churn_monthly, rpt_retention_cost_monthly, rpt_cac_monthly (CAC, net new
    revenue, average CLV, marketing ROI; channel 'all') and
    rpt_web_conversion_monthly (traffic-to-lead; source, medium and page 'all'). The one aggregate no mart holds, the all-company sales
    cycle, reads the defining column fct_opportunities.sales_cycle_days of the
    deals won, averaged by the month of their actual close date. A KPI is null
    in a month where its source mart has no row or a null value (e.g. NPS under
    the min_survey_responses rule: the flag and the answer count sit beside it).
-#}
with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

satisfaction as (

    select * from {{ ref('rpt_satisfaction_monthly') }}

),

renewals as (

    select * from {{ ref('rpt_renewals') }}

),

churn as (

    select * from {{ ref('rpt_churn_monthly') }}

),

retention_cost as (

    select * from {{ ref('rpt_retention_cost_monthly') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

acquisition_costs as (

    select * from {{ ref('rpt_cac_monthly') }}

),

web_conversion as (

    select * from {{ ref('rpt_web_conversion_monthly') }}

),

satisfaction_overall as (

    select
        month_start_date,
        nps_score,
        nps_response_count,
        nps_below_minimum,
        ces_score,
        ces_response_count,
        ces_below_minimum

    from satisfaction

    where breakdown_dimension = 'all'

),

renewals_overall as (

    select
        renewal_month as month_start_date,
        renewal_rate

    from renewals

    where breakdown_dimension = 'all'

),

churn_overall as (

    select
        month_start_date,
        logo_churn_rate

    from churn

    where breakdown_dimension = 'all'

),

acquisition_overall as (

    select
        month_start_date,
        cac_reporting,
        net_new_revenue_reporting,
        avg_clv_new_customers_reporting,
        marketing_roi

    from acquisition_costs

    where acquisition_channel = 'all'

),

web_overall as (

    select
        month_start_date,
        traffic_to_lead_rate

    from web_conversion

    where
        traffic_source = 'all'
        and traffic_medium = 'all'
        and landing_page = 'all'

),

-- the deals won to the as-of date, by the month of their actual close date (as in rpt_sales_rep_performance_monthly)
sales_cycle as (

    select
        cast({{ dbt.date_trunc('month', 'opportunities.actual_close_date') }} as date) as month_start_date,
        avg(opportunities.sales_cycle_days) as avg_sales_cycle_days

    from opportunities

    cross join as_of

    where
        opportunities.is_won
        and opportunities.actual_close_date <= as_of.as_of_date

    group by 1

),

-- the months where a source KPI has a value: the first of them starts the scoreboard
valued_months as (

    select month_start_date from satisfaction_overall
    where nps_score is not null or ces_score is not null

    union all

    select month_start_date from renewals_overall
    where renewal_rate is not null

    union all

    select month_start_date from churn_overall
    where logo_churn_rate is not null

    union all

    select month_start_date from retention_cost
    where retention_cost_per_retained_customer_reporting is not null

    union all

    select month_start_date from sales_cycle
    where avg_sales_cycle_days is not null

    union all

    select month_start_date from acquisition_overall
    where
        cac_reporting is not null
        or net_new_revenue_reporting is not null
        or avg_clv_new_customers_reporting is not null
        or marketing_roi is not null

    union all

    select month_start_date from web_overall
    where traffic_to_lead_rate is not null

),

months as (

    {{ month_spine(
        '(select min(valued_months.month_start_date) from valued_months)',
        '(select as_of.as_of_date from as_of)'
    ) | indent(4) }}

),

final as (

    select
        cast(months.month_start_date as date) as month_start_date,
        cast(months.month_end_date as date) as month_end_date,
        cast(months.is_partial_month as {{ dbt.type_boolean() }}) as is_partial_month,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        cast(satisfaction_overall.nps_score as double precision) as nps_score,
        cast(satisfaction_overall.nps_response_count as {{ dbt.type_int() }}) as nps_response_count,
        cast(satisfaction_overall.nps_below_minimum as {{ dbt.type_boolean() }}) as nps_below_minimum,
        cast(satisfaction_overall.ces_score as double precision) as ces_average_effort,
        cast(satisfaction_overall.ces_response_count as {{ dbt.type_int() }}) as ces_response_count,
        cast(satisfaction_overall.ces_below_minimum as {{ dbt.type_boolean() }}) as ces_below_minimum,
        cast(renewals_overall.renewal_rate as double precision) as renewal_rate,
        cast(churn_overall.logo_churn_rate as double precision) as logo_churn_rate,
        cast(sales_cycle.avg_sales_cycle_days as double precision) as avg_sales_cycle_days,
        cast(retention_cost.retention_cost_per_retained_customer_reporting as numeric(18, 2))
            as retention_cost_per_retained_customer_reporting,
        cast(acquisition_overall.cac_reporting as numeric(18, 2)) as cac_reporting,
        cast(acquisition_overall.net_new_revenue_reporting as numeric(18, 2)) as net_new_revenue_reporting,
        cast(acquisition_overall.avg_clv_new_customers_reporting as numeric(18, 2)) as avg_clv_reporting,
        cast(acquisition_overall.marketing_roi as double precision) as marketing_roi,
        cast(web_overall.traffic_to_lead_rate as double precision) as traffic_to_lead_rate

    from months

    left join satisfaction_overall
        on months.month_start_date = satisfaction_overall.month_start_date

    left join renewals_overall
        on months.month_start_date = renewals_overall.month_start_date

    left join churn_overall
        on months.month_start_date = churn_overall.month_start_date

    left join sales_cycle
        on months.month_start_date = sales_cycle.month_start_date

    left join retention_cost
        on months.month_start_date = retention_cost.month_start_date

    left join acquisition_overall
        on months.month_start_date = acquisition_overall.month_start_date

    left join web_overall
        on months.month_start_date = web_overall.month_start_date

)

select * from final
