{#-
    Every KPI of rpt_crm_kpis_monthly equals the value of the mart that defines
    it, for the same month, both ways: a scoreboard value that differs from the
    source, a scoreboard value without a source value, and a source value (not
    null) the scoreboard lacks (its month missing, or its KPI null) all fail.
    Null equals null. One row per failing KPI and month.
-#}
{%- set kpis = [
    ('nps_score', "select month_start_date, nps_score as source_value from " ~ ref('rpt_satisfaction_monthly')
        ~ " where breakdown_dimension = 'all'"),
    ('nps_response_count', "select month_start_date, nps_response_count as source_value from "
        ~ ref('rpt_satisfaction_monthly') ~ " where breakdown_dimension = 'all'"),
    ('ces_average_effort', "select month_start_date, ces_score as source_value from " ~ ref('rpt_satisfaction_monthly')
        ~ " where breakdown_dimension = 'all'"),
    ('ces_response_count', "select month_start_date, ces_response_count as source_value from "
        ~ ref('rpt_satisfaction_monthly') ~ " where breakdown_dimension = 'all'"),
    ('renewal_rate', "select renewal_month as month_start_date, renewal_rate as source_value from "
        ~ ref('rpt_renewals') ~ " where breakdown_dimension = 'all'"),
    ('logo_churn_rate', "select month_start_date, logo_churn_rate as source_value from " ~ ref('rpt_churn_monthly')
        ~ " where breakdown_dimension = 'all'"),
    ('retention_cost_per_retained_customer_reporting', "select month_start_date,"
        ~ " retention_cost_per_retained_customer_reporting as source_value from " ~ ref('rpt_retention_cost_monthly')),
    ('avg_sales_cycle_days', "select cast(" ~ dbt.date_trunc('month', 'actual_close_date') ~ " as date) as month_start_date,"
        ~ " avg(sales_cycle_days) as source_value from " ~ ref('fct_opportunities')
        ~ " where is_won and actual_close_date <= (select as_of_date from " ~ ref('int_as_of_date') ~ ") group by 1"),
    ('cac_reporting', "select month_start_date, cac_reporting as source_value from " ~ ref('rpt_cac_monthly')
        ~ " where acquisition_channel = 'all'"),
    ('net_new_revenue_reporting', "select month_start_date, net_new_revenue_reporting as source_value from "
        ~ ref('rpt_cac_monthly') ~ " where acquisition_channel = 'all'"),
    ('avg_clv_reporting', "select month_start_date, avg_clv_new_customers_reporting as source_value from "
        ~ ref('rpt_cac_monthly') ~ " where acquisition_channel = 'all'"),
    ('marketing_roi', "select month_start_date, marketing_roi as source_value from " ~ ref('rpt_cac_monthly')
        ~ " where acquisition_channel = 'all'"),
    ('traffic_to_lead_rate', "select month_start_date, traffic_to_lead_rate as source_value from "
        ~ ref('rpt_web_conversion_monthly')
        ~ " where traffic_source = 'all' and traffic_medium = 'all' and landing_page = 'all'"),
] -%}
with

scoreboard as (

    select * from {{ ref('rpt_crm_kpis_monthly') }}

),

compared as (

    {% for kpi_name, source_sql in kpis %}
        {% if not loop.first %}union all{% endif %}
        select
            '{{ kpi_name }}' as kpi_name,
            coalesce(source_rows.month_start_date, scoreboard.month_start_date) as month_start_date,
            cast(source_rows.source_value as double precision) as source_value,
            cast(scoreboard.{{ kpi_name }} as double precision) as scoreboard_value

        from ({{ source_sql }}) as source_rows

        full outer join scoreboard
            on source_rows.month_start_date = scoreboard.month_start_date
    {% endfor %}

)

select * from compared

where
    (source_value is null and scoreboard_value is not null)
    or (source_value is not null and scoreboard_value is null)
    or source_value <> scoreboard_value
