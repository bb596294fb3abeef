{#-
    Who each retention campaign reached. Grain: one row per retention campaign
    (objective retention) per customer it reached: an email event of the
    campaign that shows the email arrived (delivered, open, click or
    unsubscribe; not sent alone, not bounce) on or before the as-of date, with
    a known customer.
-#}
with

campaigns as (

    select * from {{ ref('stg_crm__campaigns') }}

),

email_events as (

    select * from {{ ref('stg_crm__email_events') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

reached as (

    select
        email_events.campaign_id,
        email_events.customer_id,
        min(cast(email_events.event_at as date)) as first_reached_date

    from email_events

    inner join campaigns
        on email_events.campaign_id = campaigns.campaign_id

    inner join as_of
        on cast(email_events.event_at as date) <= as_of.as_of_date

    where
        campaigns.objective = 'retention'
        and email_events.customer_id is not null
        and email_events.event_type in ('delivered', 'open', 'click', 'unsubscribe')

    group by email_events.campaign_id, email_events.customer_id

),

final as (

    select
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(first_reached_date as date) as first_reached_date

    from reached

)

select * from final
