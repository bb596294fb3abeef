{#-
    The calendar months the ticket marts report on: one row per month from the
    month of the first support ticket created on or before the as-of date to the
    as-of month (partial when the as-of date is not its last day), from the
    macro month_spine, shared with the retention area.
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

months as (

    {{ month_spine(
        '(select min(tickets_to_as_of.created_at) from tickets_to_as_of)',
        '(select as_of.as_of_date from as_of)'
    ) | indent(4) }}

),

final as (

    select
        month_start_date,
        month_end_date,
        is_partial_month

    from months

)

select * from final
