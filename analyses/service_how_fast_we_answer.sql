-- How fast do we answer and resolve: median and p90 first response and resolution hours, SLA attainment,
-- escalation and reopen rates per month by priority, beside the company figure ('all'), for the last year.
-- Compile with `dbt compile -s service_how_fast_we_answer` and run the SQL in target/compiled.
with

service as (

    select * from {{ ref('rpt_service_monthly') }}

),

by_priority as (

    select
        month_start_date,
        is_partial_month,
        breakdown_value as priority,
        ticket_count,
        median_first_response_hours,
        p90_first_response_hours,
        first_response_sla_attainment_rate,
        median_resolution_hours,
        p90_resolution_hours,
        resolution_sla_attainment_rate,
        open_ticket_count,
        escalation_rate,
        reopen_rate

    from service

    where
        breakdown_dimension in ('all', 'priority')
        and month_start_date >= (
            select {{ dbt.dateadd('month', -12, 'max(service_months.month_start_date)') }}
            from service as service_months
        )

)

select * from by_priority
order by month_start_date desc, priority asc
