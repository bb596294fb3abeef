{#-
    Every row of rpt_crm_kpis_by_segment equals the segment row of the mart
    that defines its KPI, both ways: a value that differs, a row without a
    source row, and a source segment row the table lacks (in a month of the
    scoreboard, or with a value in any month) all fail. Null equals null.
-#}
{%- set sources = [
    ('nps_score', ref('rpt_satisfaction_monthly'), 'month_start_date', 'nps_score'),
    ('ces_average_effort', ref('rpt_satisfaction_monthly'), 'month_start_date', 'ces_score'),
    ('logo_churn_rate', ref('rpt_churn_monthly'), 'month_start_date', 'logo_churn_rate'),
    ('renewal_rate', ref('rpt_renewals'), 'renewal_month', 'renewal_rate'),
] -%}
with

by_segment as (

    select * from {{ ref('rpt_crm_kpis_by_segment') }}

),

scoreboard as (

    select * from {{ ref('rpt_crm_kpis_monthly') }}

),

source_rows as (

    {% for kpi_name, relation, month_column, value_column in sources %}
        {% if not loop.first %}union all{% endif %}
        select
            {{ month_column }} as month_start_date,
            breakdown_value as segment,
            '{{ kpi_name }}' as kpi_name,
            cast({{ value_column }} as double precision) as source_value

        from {{ relation }}

        where breakdown_dimension = 'segment'
    {% endfor %}

),

expected as (

    select source_rows.*

    from source_rows

    where
        source_rows.source_value is not null
        or source_rows.month_start_date in (select scoreboard.month_start_date from scoreboard)

),

compared as (

    select
        coalesce(expected.month_start_date, by_segment.month_start_date) as month_start_date,
        coalesce(expected.segment, by_segment.segment) as segment,
        coalesce(expected.kpi_name, by_segment.kpi_name) as kpi_name,
        expected.kpi_name is not null as is_expected,
        by_segment.kpi_name is not null as is_published,
        expected.source_value,
        by_segment.kpi_value

    from expected

    full outer join by_segment
        on expected.month_start_date = by_segment.month_start_date
        and expected.segment = by_segment.segment
        and expected.kpi_name = by_segment.kpi_name

)

select * from compared

where
    not is_expected
    or not is_published
    or (source_value is null and kpi_value is not null)
    or (source_value is not null and kpi_value is null)
    or source_value <> kpi_value
