{#-
    The calendar months the ticket marts report on: one row per month from the
    month of the first support ticket created on or before the as-of date to the
    as-of month (partial when the as-of date is not its last day).
-#}
with

support_tickets as (

    select * from {{ ref('stg_crm__support_tickets') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

tickets_to_as_of as (

    select support_tickets.created_at

    from support_tickets

    inner join as_of
        on cast(support_tickets.created_at as date) <= as_of.as_of_date

),

days as (

    {{ date_spine_days(
        "(select cast(" ~ dbt.date_trunc('month', 'min(tickets_to_as_of.created_at)') ~ " as date) from tickets_to_as_of)",
        '(select as_of.as_of_date from as_of)'
    ) | indent(4) }}

),

months as (

    select
        date_day as month_start_date,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'date_day')) }} as date) as last_day_of_month

    from days

    where {{ date_part_int('day', 'date_day') }} = 1

),

final as (

    select
        cast(months.month_start_date as date) as month_start_date,
        cast(
            case
                when as_of.as_of_date < months.last_day_of_month then as_of.as_of_date
                else months.last_day_of_month
            end
            as date
        ) as month_end_date,
        cast(as_of.as_of_date < months.last_day_of_month as {{ dbt.type_boolean() }}) as is_partial_month

    from months

    cross join as_of

)

select * from final
