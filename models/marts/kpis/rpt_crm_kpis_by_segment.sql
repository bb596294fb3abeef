{#-
    The scoreboard's KPIs by customer segment, in long layout: one row per
    month of rpt_crm_kpis_monthly per customer segment per KPI, wherever the
    KPI's source mart breaks it down by segment: NPS and CES
    (rpt_satisfaction_monthly), logo churn rate (rpt_churn_monthly) and renewal
    rate (rpt_renewals), each read from the source's segment row as it is (null
    where the source's value is null). The other KPIs have no segment in their
    source mart and no row here.
-#}
with

scoreboard as (

    select * from {{ ref('rpt_crm_kpis_monthly') }}

),

satisfaction as (

    select * from {{ ref('rpt_satisfaction_monthly') }}

),

churn as (

    select * from {{ ref('rpt_churn_monthly') }}

),

renewals as (

    select * from {{ ref('rpt_renewals') }}

),

by_segment as (

    select
        month_start_date,
        breakdown_value as segment,
        'nps_score' as kpi_name,
        'rpt_satisfaction_monthly' as source_mart,
        nps_score as kpi_value

    from satisfaction

    where breakdown_dimension = 'segment'

    union all

    select
        month_start_date,
        breakdown_value as segment,
        'ces_average_effort' as kpi_name,
        'rpt_satisfaction_monthly' as source_mart,
        ces_score as kpi_value

    from satisfaction

    where breakdown_dimension = 'segment'

    union all

    select
        month_start_date,
        breakdown_value as segment,
        'logo_churn_rate' as kpi_name,
        'rpt_churn_monthly' as source_mart,
        logo_churn_rate as kpi_value

    from churn

    where breakdown_dimension = 'segment'

    union all

    select
        renewal_month as month_start_date,
        breakdown_value as segment,
        'renewal_rate' as kpi_name,
        'rpt_renewals' as source_mart,
        renewal_rate as kpi_value

    from renewals

    where breakdown_dimension = 'segment'

),

final as (

    select
        cast({{ surrogate_key(['by_segment.month_start_date', 'by_segment.segment', 'by_segment.kpi_name']) }} as {{ dbt.type_string() }})
            as kpi_segment_month_id,
        cast(by_segment.month_start_date as date) as month_start_date,
        cast(scoreboard.is_partial_month as {{ dbt.type_boolean() }}) as is_partial_month,
        cast(by_segment.segment as {{ dbt.type_string() }}) as segment,
        cast(by_segment.kpi_name as {{ dbt.type_string() }}) as kpi_name,
        cast(by_segment.source_mart as {{ dbt.type_string() }}) as source_mart,
        cast(by_segment.kpi_value as double precision) as kpi_value

    from by_segment

    inner join scoreboard
        on by_segment.month_start_date = scoreboard.month_start_date

)

select * from final
