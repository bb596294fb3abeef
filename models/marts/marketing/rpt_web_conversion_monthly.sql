{#-
    Web traffic and the leads it captures, per calendar month, traffic source,
    medium and landing page. Grain: one row per month and (traffic_source,
    traffic_medium, landing_page) with at least one session that month, plus
    one row per month of the spine (month_spine, from the first month with a
    session to the as-of month) with all three 'all' (every session and every
    web lead of the month, zeros included). Sessions count in the month they
    started, to the as-of date; a missing source, medium or landing page reads
    'unknown'. A web lead counts once: in the month, source, medium and
    landing page of the session that captured it, the earliest session
    carrying its lead_id (ties: the smaller session_id).
-#}
with

web_sessions as (

    select * from {{ ref('stg_crm__web_sessions') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

sessions_to_as_of as (

    select
        web_sessions.session_id,
        web_sessions.visitor_id,
        web_sessions.lead_id,
        web_sessions.started_at,
        cast({{ dbt.date_trunc('month', 'web_sessions.started_at') }} as date) as month_start_date,
        coalesce(web_sessions.traffic_source, 'unknown') as traffic_source,
        coalesce(web_sessions.traffic_medium, 'unknown') as traffic_medium,
        coalesce(web_sessions.landing_page, 'unknown') as landing_page

    from web_sessions

    cross join as_of

    where cast(web_sessions.started_at as date) <= as_of.as_of_date

),

lead_sessions_ranked as (

    select
        session_id,
        row_number() over (partition by lead_id order by started_at, session_id) as lead_session_number

    from sessions_to_as_of

    where lead_id is not null

),

capturing_sessions as (

    select session_id

    from lead_sessions_ranked

    where lead_session_number = 1

),

sessions_flagged as (

    select
        sessions_to_as_of.*,
        capturing_sessions.session_id is not null as captured_lead

    from sessions_to_as_of

    left join capturing_sessions
        on sessions_to_as_of.session_id = capturing_sessions.session_id

),

first_month as (

    select min(month_start_date) as month_start_date from sessions_to_as_of

),

calendar as (

    {{ month_spine(
        '(select month_start_date from first_month)',
        '(select as_of_date from as_of)'
    ) | indent(4) }}

),

by_page as (

    select
        month_start_date,
        traffic_source,
        traffic_medium,
        landing_page,
        count(*) as sessions,
        count(distinct visitor_id) as visitors,
        sum(case when captured_lead then 1 else 0 end) as leads

    from sessions_flagged

    group by month_start_date, traffic_source, traffic_medium, landing_page

),

all_traffic as (

    select
        month_start_date,
        count(*) as sessions,
        count(distinct visitor_id) as visitors,
        sum(case when captured_lead then 1 else 0 end) as leads

    from sessions_flagged

    group by month_start_date

),

all_rows as (

    select
        calendar.month_start_date,
        'all' as traffic_source,
        'all' as traffic_medium,
        'all' as landing_page,
        coalesce(all_traffic.sessions, 0) as sessions,
        coalesce(all_traffic.visitors, 0) as visitors,
        coalesce(all_traffic.leads, 0) as leads

    from calendar

    left join all_traffic
        on calendar.month_start_date = all_traffic.month_start_date

),

combined as (

    select * from by_page
    union all
    select * from all_rows

),

keyed as (

    -- the page's part of the key: surrogate_key(month, page_key) = surrogate_key(month, source, medium, page)
    select
        combined.*,
        {{ dbt.concat(['traffic_source', "'|'", 'traffic_medium', "'|'", 'landing_page']) }} as page_key

    from combined

),

final as (

    select
        cast({{ surrogate_key(['month_start_date', 'page_key']) }} as {{ dbt.type_string() }}) as web_conversion_month_key,
        cast(month_start_date as date) as month_start_date,
        cast(traffic_source as {{ dbt.type_string() }}) as traffic_source,
        cast(traffic_medium as {{ dbt.type_string() }}) as traffic_medium,
        cast(landing_page as {{ dbt.type_string() }}) as landing_page,
        cast(sessions as {{ dbt.type_int() }}) as sessions,
        cast(visitors as {{ dbt.type_int() }}) as visitors,
        cast(leads as {{ dbt.type_int() }}) as leads,
        cast(
            case when sessions > 0 then cast(leads as double precision) / sessions end as double precision
        ) as traffic_to_lead_rate

    from keyed

)

select * from final
