{#-
    Lead conversion per calendar month and lead source, to the as-of date.
    Leads are counted in the month they were created (a cohort): how many
    converted to an opportunity and to a customer by the as-of date, how fast,
    and how many are abandoned at the as-of date. Web sessions are counted in
    the month they started and given a lead source by their traffic medium
    (social -> social, email -> email, referral -> referral, anything else ->
    web); lead_source 'all' holds every lead and every session. One row per
    month (first month with a lead or a session to the as-of month) and lead
    source (every source seen, plus 'all'), zeros included.
-#}
with

leads as (

    select * from {{ ref('int_lead_milestones_dated') }}

),

web_sessions as (

    select * from {{ ref('stg_crm__web_sessions') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

sessions_to_as_of as (

    select
        cast({{ dbt.date_trunc('month', 'web_sessions.started_at') }} as date) as month_start_date,
        case web_sessions.traffic_medium
            when 'social' then 'social'
            when 'email' then 'email'
            when 'referral' then 'referral'
            else 'web'
        end as lead_source

    from web_sessions

    cross join as_of

    where cast(web_sessions.started_at as date) <= as_of.as_of_date

),

lead_months as (

    select
        cast({{ dbt.date_trunc('month', 'created_date') }} as date) as month_start_date,
        lead_source,
        is_converted_to_opportunity,
        is_converted_to_customer,
        days_to_opportunity,
        days_to_customer,
        is_abandoned

    from leads

),

first_month as (

    select min(month_start_date) as month_start_date

    from (
        select month_start_date from lead_months
        union all
        select month_start_date from sessions_to_as_of
    ) as dated

),

calendar as (

    {{ month_spine(
        '(select month_start_date from first_month)',
        '(select as_of_date from as_of)'
    ) | indent(4) }}

),

months as (

    select month_start_date from calendar

),

lead_sources as (

    select lead_source from lead_months
    union
    select lead_source from sessions_to_as_of
    union
    select 'all' as lead_source

),

grid as (

    select
        months.month_start_date,
        lead_sources.lead_source

    from months

    cross join lead_sources

),

session_counts as (

    select
        month_start_date,
        lead_source,
        count(*) as web_sessions

    from sessions_to_as_of

    group by month_start_date, lead_source

    union all

    select
        month_start_date,
        'all' as lead_source,
        count(*) as web_sessions

    from sessions_to_as_of

    group by month_start_date

),

lead_rows as (

    select * from lead_months

    union all

    select
        month_start_date,
        'all' as lead_source,
        is_converted_to_opportunity,
        is_converted_to_customer,
        days_to_opportunity,
        days_to_customer,
        is_abandoned

    from lead_months

),

lead_counts as (

    select
        month_start_date,
        lead_source,
        count(*) as leads_created,
        sum(case when is_converted_to_opportunity then 1 else 0 end) as leads_converted_to_opportunity,
        sum(case when is_converted_to_customer then 1 else 0 end) as leads_converted_to_customer,
        {{ median('days_to_opportunity') }} as median_days_to_opportunity,
        {{ median('days_to_customer') }} as median_days_to_customer,
        sum(case when is_abandoned then 1 else 0 end) as leads_abandoned

    from lead_rows

    group by month_start_date, lead_source

),

measured as (

    select
        grid.month_start_date,
        grid.lead_source,
        coalesce(session_counts.web_sessions, 0) as web_sessions,
        coalesce(lead_counts.leads_created, 0) as leads_created,
        coalesce(lead_counts.leads_converted_to_opportunity, 0) as leads_converted_to_opportunity,
        coalesce(lead_counts.leads_converted_to_customer, 0) as leads_converted_to_customer,
        lead_counts.median_days_to_opportunity,
        lead_counts.median_days_to_customer,
        coalesce(lead_counts.leads_abandoned, 0) as leads_abandoned

    from grid

    left join session_counts
        on grid.month_start_date = session_counts.month_start_date
        and grid.lead_source = session_counts.lead_source

    left join lead_counts
        on grid.month_start_date = lead_counts.month_start_date
        and grid.lead_source = lead_counts.lead_source

),

final as (

    select
        cast({{ surrogate_key(['month_start_date', 'lead_source']) }} as {{ dbt.type_string() }})
            as lead_conversion_month_key,
        cast(month_start_date as date) as month_start_date,
        cast(lead_source as {{ dbt.type_string() }}) as lead_source,
        cast(web_sessions as {{ dbt.type_int() }}) as web_sessions,
        cast(leads_created as {{ dbt.type_int() }}) as leads_created,
        cast(
            case when web_sessions > 0 then cast(leads_created as double precision) / web_sessions end as double precision
        ) as traffic_to_lead_rate,
        cast(leads_converted_to_opportunity as {{ dbt.type_int() }}) as leads_converted_to_opportunity,
        cast(
            case when leads_created > 0 then cast(leads_converted_to_opportunity as double precision) / leads_created end
            as double precision
        ) as opportunity_conversion_rate,
        cast(leads_converted_to_customer as {{ dbt.type_int() }}) as leads_converted_to_customer,
        cast(
            case when leads_created > 0 then cast(leads_converted_to_customer as double precision) / leads_created end
            as double precision
        ) as customer_conversion_rate,
        cast(median_days_to_opportunity as double precision) as median_days_to_opportunity,
        cast(median_days_to_customer as double precision) as median_days_to_customer,
        cast(leads_abandoned as {{ dbt.type_int() }}) as leads_abandoned,
        cast(
            case when leads_created > 0 then cast(leads_abandoned as double precision) / leads_created end as double precision
        ) as abandonment_rate

    from measured

)

select * from final
