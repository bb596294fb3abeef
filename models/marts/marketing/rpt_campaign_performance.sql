{#-
    Which campaigns pay back. Grain: one row per campaign (stg_crm__campaigns),
    plus one row without a campaign (campaign_id null, campaign_key
    'no_campaign') that holds what carries no campaign: sessions and leads
    without one, and the new customers whose first (last) touch has no
    campaign or who have no touch at all. Everything to the as-of date. Spend:
    the campaign's spend rows converted at their spend date's rate
    (int_marketing_spend_converted). Attribution: int_customer_revenue_attributed.
    CAC = spend / new customers attributed, ROI = (attributed revenue - spend) /
    spend, by first and by last touch; null when the denominator is 0. Email
    rates count distinct recipients (recipient_email_hash) per campaign:
    delivered and bounce rates over recipients sent to, open, click-through and
    unsubscribe rates over recipients delivered to.
-#}
with

campaigns as (

    select * from {{ ref('stg_crm__campaigns') }}

),

spend_rows as (

    select * from {{ ref('int_marketing_spend_converted') }}

),

web_sessions as (

    select * from {{ ref('stg_crm__web_sessions') }}

),

leads as (

    select * from {{ ref('stg_crm__leads') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

email_events as (

    select * from {{ ref('stg_crm__email_events') }}

),

attributions as (

    select * from {{ ref('int_customer_revenue_attributed') }}

),

as_of as (

    select as_of_date from {{ ref('int_as_of_date') }}

),

campaign_rows as (

    select
        campaign_id,
        campaign_name,
        channel,
        objective,
        start_date,
        end_date

    from campaigns

    union all

    select
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as campaign_name,
        cast(null as {{ dbt.type_string() }}) as channel,
        cast(null as {{ dbt.type_string() }}) as objective,
        cast(null as date) as start_date,
        cast(null as date) as end_date

),

spend as (

    select
        campaign_id,
        count(*) as spend_row_count,
        sum(case when is_converted then 0 else 1 end) as unconverted_spend_row_count,
        coalesce(sum(spend_reporting), 0) as spend_reporting

    from spend_rows

    group by campaign_id

),

sessions as (

    select
        web_sessions.campaign_id,
        count(*) as session_count

    from web_sessions

    inner join as_of
        on cast(web_sessions.started_at as date) <= as_of.as_of_date

    group by web_sessions.campaign_id

),

leads_to_as_of as (

    select leads.*

    from leads

    inner join as_of
        on cast(leads.created_at as date) <= as_of.as_of_date

),

lead_counts as (

    select
        campaign_id,
        count(*) as lead_count

    from leads_to_as_of

    group by campaign_id

),

opportunity_counts as (

    select
        leads_to_as_of.campaign_id,
        count(*) as opportunity_count

    from opportunities

    inner join leads_to_as_of
        on opportunities.lead_id = leads_to_as_of.lead_id

    inner join as_of
        on opportunities.created_date <= as_of.as_of_date

    group by leads_to_as_of.campaign_id

),

first_touch as (

    select
        first_touch_campaign_id as campaign_id,
        count(*) as new_customer_count,
        sum(window_revenue_reporting) as attributed_revenue_reporting

    from attributions

    group by first_touch_campaign_id

),

last_touch as (

    select
        last_touch_campaign_id as campaign_id,
        count(*) as new_customer_count,
        sum(window_revenue_reporting) as attributed_revenue_reporting

    from attributions

    group by last_touch_campaign_id

),

emails as (

    select
        email_events.campaign_id,
        count(distinct case when email_events.event_type = 'sent' then email_events.recipient_email_hash end)
            as emails_sent,
        count(distinct case when email_events.event_type = 'delivered' then email_events.recipient_email_hash end)
            as emails_delivered,
        count(distinct case when email_events.event_type = 'open' then email_events.recipient_email_hash end)
            as emails_opened,
        count(distinct case when email_events.event_type = 'click' then email_events.recipient_email_hash end)
            as emails_clicked,
        count(distinct case when email_events.event_type = 'unsubscribe' then email_events.recipient_email_hash end)
            as emails_unsubscribed,
        count(distinct case when email_events.event_type = 'bounce' then email_events.recipient_email_hash end)
            as emails_bounced

    from email_events

    inner join as_of
        on cast(email_events.event_at as date) <= as_of.as_of_date

    group by email_events.campaign_id

),

measured as (

    -- the row without a campaign takes the groups of a null campaign: the joins compare coalesce(campaign_id, '')
    select
        campaign_rows.*,
        coalesce(spend.spend_row_count, 0) as spend_row_count,
        coalesce(spend.unconverted_spend_row_count, 0) as unconverted_spend_row_count,
        coalesce(spend.spend_reporting, 0) as spend_reporting,
        coalesce(sessions.session_count, 0) as session_count,
        coalesce(lead_counts.lead_count, 0) as lead_count,
        coalesce(opportunity_counts.opportunity_count, 0) as opportunity_count,
        coalesce(first_touch.new_customer_count, 0) as new_customers_first_touch,
        coalesce(last_touch.new_customer_count, 0) as new_customers_last_touch,
        coalesce(first_touch.attributed_revenue_reporting, 0) as attributed_revenue_first_touch_reporting,
        coalesce(last_touch.attributed_revenue_reporting, 0) as attributed_revenue_last_touch_reporting,
        coalesce(emails.emails_sent, 0) as emails_sent,
        coalesce(emails.emails_delivered, 0) as emails_delivered,
        coalesce(emails.emails_opened, 0) as emails_opened,
        coalesce(emails.emails_clicked, 0) as emails_clicked,
        coalesce(emails.emails_unsubscribed, 0) as emails_unsubscribed,
        coalesce(emails.emails_bounced, 0) as emails_bounced

    from campaign_rows

    left join spend
        on coalesce(campaign_rows.campaign_id, '') = coalesce(spend.campaign_id, '')

    left join sessions
        on coalesce(campaign_rows.campaign_id, '') = coalesce(sessions.campaign_id, '')

    left join lead_counts
        on coalesce(campaign_rows.campaign_id, '') = coalesce(lead_counts.campaign_id, '')

    left join opportunity_counts
        on coalesce(campaign_rows.campaign_id, '') = coalesce(opportunity_counts.campaign_id, '')

    left join first_touch
        on coalesce(campaign_rows.campaign_id, '') = coalesce(first_touch.campaign_id, '')

    left join last_touch
        on coalesce(campaign_rows.campaign_id, '') = coalesce(last_touch.campaign_id, '')

    left join emails
        on coalesce(campaign_rows.campaign_id, '') = coalesce(emails.campaign_id, '')

),

final as (

    select
        cast(coalesce(campaign_id, 'no_campaign') as {{ dbt.type_string() }}) as campaign_key,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(campaign_name as {{ dbt.type_string() }}) as campaign_name,
        cast(channel as {{ dbt.type_string() }}) as campaign_channel,
        cast(objective as {{ dbt.type_string() }}) as campaign_objective,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        cast(spend_row_count as {{ dbt.type_int() }}) as spend_row_count,
        cast(unconverted_spend_row_count as {{ dbt.type_int() }}) as unconverted_spend_row_count,
        cast(spend_reporting as numeric(18, 2)) as spend_reporting,
        cast(session_count as {{ dbt.type_int() }}) as session_count,
        cast(lead_count as {{ dbt.type_int() }}) as lead_count,
        cast(opportunity_count as {{ dbt.type_int() }}) as opportunity_count,
        cast(new_customers_first_touch as {{ dbt.type_int() }}) as new_customers_first_touch,
        cast(new_customers_last_touch as {{ dbt.type_int() }}) as new_customers_last_touch,
        cast(attributed_revenue_first_touch_reporting as numeric(18, 2)) as attributed_revenue_first_touch_reporting,
        cast(attributed_revenue_last_touch_reporting as numeric(18, 2)) as attributed_revenue_last_touch_reporting,
        cast(
            case
                when new_customers_first_touch > 0
                    then {{ round_money('spend_reporting / new_customers_first_touch') }}
            end
            as numeric(18, 2)
        ) as cac_first_touch_reporting,
        cast(
            case
                when new_customers_last_touch > 0
                    then {{ round_money('spend_reporting / new_customers_last_touch') }}
            end
            as numeric(18, 2)
        ) as cac_last_touch_reporting,
        cast(
            case
                when spend_reporting > 0
                    then
                        cast(attributed_revenue_first_touch_reporting - spend_reporting as double precision)
                        / cast(spend_reporting as double precision)
            end
            as double precision
        ) as marketing_roi_first_touch,
        cast(
            case
                when spend_reporting > 0
                    then
                        cast(attributed_revenue_last_touch_reporting - spend_reporting as double precision)
                        / cast(spend_reporting as double precision)
            end
            as double precision
        ) as marketing_roi_last_touch,
        cast(emails_sent as {{ dbt.type_int() }}) as emails_sent,
        cast(emails_delivered as {{ dbt.type_int() }}) as emails_delivered,
        cast(emails_opened as {{ dbt.type_int() }}) as emails_opened,
        cast(emails_clicked as {{ dbt.type_int() }}) as emails_clicked,
        cast(emails_unsubscribed as {{ dbt.type_int() }}) as emails_unsubscribed,
        cast(emails_bounced as {{ dbt.type_int() }}) as emails_bounced,
        cast(
            case when emails_sent > 0 then cast(emails_delivered as double precision) / emails_sent end as double precision
        ) as delivered_rate,
        cast(
            case when emails_delivered > 0 then cast(emails_opened as double precision) / emails_delivered end
            as double precision
        ) as open_rate,
        cast(
            case when emails_delivered > 0 then cast(emails_clicked as double precision) / emails_delivered end
            as double precision
        ) as click_through_rate,
        cast(
            case when emails_delivered > 0 then cast(emails_unsubscribed as double precision) / emails_delivered end
            as double precision
        ) as unsubscribe_rate,
        cast(
            case when emails_sent > 0 then cast(emails_bounced as double precision) / emails_sent end as double precision
        ) as bounce_rate

    from measured

)

select * from final
