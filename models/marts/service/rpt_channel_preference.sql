{#-
    How each customer reaches us and is reached. Grain: one row per customer of
    dim_customers. Contacts on or before the as-of date: support tickets opened
    (their channel), survey responses (their channel) and completed CRM
    activities with the customer (completed_at; activity type mapped to a
    contact channel: call -> phone, email -> email, meeting and visit ->
    in_person; a note is no contact and a scheduled activity not yet one).
    Contact channels: ticket web_form -> web (the website, as a web survey);
    every other label is kept as it is. Counts are wide: one column per known
    contact channel, other_contact_count for a label outside them. The
    preferred channel is the one with the most contacts; a tie goes to the
    channel used most recently, then to the first in alphabetical order.
    Customers without contacts: counts 0, preferred channel null.
-#}
{%- set known_channels = ['email', 'phone', 'chat', 'web', 'in_app', 'social', 'in_person'] -%}
with

customers as (

    select * from {{ ref('dim_customers') }}

),

support_tickets as (

    select * from {{ ref('stg_crm__support_tickets') }}

),

survey_responses as (

    select * from {{ ref('stg_crm__survey_responses') }}

),

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

contacts as (

    select
        customer_id,
        cast('ticket' as {{ dbt.type_string() }}) as contact_source,
        case when channel = 'web_form' then 'web' else channel end as contact_channel,
        created_at as contacted_at

    from support_tickets

    union all

    select
        customer_id,
        cast('survey' as {{ dbt.type_string() }}) as contact_source,
        channel as contact_channel,
        responded_at as contacted_at

    from survey_responses

    union all

    select
        customer_id,
        cast('activity' as {{ dbt.type_string() }}) as contact_source,
        case
            when activity_type = 'call' then 'phone'
            when activity_type = 'email' then 'email'
            when activity_type in ('meeting', 'visit') then 'in_person'
        end as contact_channel,
        completed_at as contacted_at

    from activities

    where
        customer_id is not null
        and completed_at is not null
        and activity_type <> 'note'

),

contacts_to_as_of as (

    select contacts.*

    from contacts

    cross join as_of

    where
        contacts.contact_channel is not null
        and cast(contacts.contacted_at as date) <= as_of.as_of_date

),

channel_totals as (

    select
        customer_id,
        contact_channel,
        count(*) as contact_count,
        max(contacted_at) as last_contacted_at

    from contacts_to_as_of

    group by customer_id, contact_channel

),

channel_ranked as (

    select
        *,
        row_number() over (
            partition by customer_id
            order by contact_count desc, last_contacted_at desc, contact_channel asc
        ) as channel_rank,
        count(*) over (partition by customer_id, contact_count) as channels_with_this_count

    from channel_totals

),

preferred as (

    select
        customer_id,
        contact_channel as preferred_channel,
        contact_count as preferred_channel_contact_count,
        channels_with_this_count > 1 as is_preferred_channel_tied

    from channel_ranked

    where channel_rank = 1

),

source_channels as (

    select distinct
        customer_id,
        contact_source,
        contact_channel

    from contacts_to_as_of

),

source_channel_lists as (

    select
        customer_id,
        {% for source in ['ticket', 'survey', 'activity'] %}
            {{ dbt.listagg(
                "case when contact_source = '" ~ source ~ "' then contact_channel end",
                "', '",
                'order by contact_channel'
            ) }} as {{ source }}_channels{% if not loop.last %},{% endif %}
        {% endfor %}

    from source_channels

    group by customer_id

),

per_customer as (

    select
        customer_id,
        count(*) as contact_count,
        count(distinct contact_channel) as distinct_channel_count,
        {% for source in ['ticket', 'survey', 'activity'] %}
            sum(case when contact_source = '{{ source }}' then 1 else 0 end) as {{ source }}_contact_count,
        {% endfor %}
        {% for channel in known_channels %}
            sum(case when contact_channel = '{{ channel }}' then 1 else 0 end) as {{ channel }}_contact_count,
        {% endfor %}
        sum(
            case
                {% for channel in known_channels %}
                    when contact_channel = '{{ channel }}' then 0
                {% endfor %}
                else 1
            end
        ) as other_contact_count

    from contacts_to_as_of

    group by customer_id

),

final as (

    select
        cast(customers.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(coalesce(per_customer.contact_count, 0) as {{ dbt.type_int() }}) as contact_count,
        cast(coalesce(per_customer.distinct_channel_count, 0) as {{ dbt.type_int() }}) as distinct_channel_count,
        {% for source in ['ticket', 'survey', 'activity'] %}
            cast(coalesce(per_customer.{{ source }}_contact_count, 0) as {{ dbt.type_int() }})
                as {{ source }}_contact_count,
        {% endfor %}
        {% for source in ['ticket', 'survey', 'activity'] %}
            cast(source_channel_lists.{{ source }}_channels as {{ dbt.type_string() }}) as {{ source }}_channels,
        {% endfor %}
        {% for channel in known_channels %}
            cast(coalesce(per_customer.{{ channel }}_contact_count, 0) as {{ dbt.type_int() }})
                as {{ channel }}_contact_count,
        {% endfor %}
        cast(coalesce(per_customer.other_contact_count, 0) as {{ dbt.type_int() }}) as other_contact_count,
        cast(preferred.preferred_channel as {{ dbt.type_string() }}) as preferred_channel,
        cast(preferred.preferred_channel_contact_count as {{ dbt.type_int() }}) as preferred_channel_contact_count,
        cast(
            cast(preferred.preferred_channel_contact_count as double precision) / nullif(per_customer.contact_count, 0)
            as double precision
        ) as preferred_channel_share,
        cast(preferred.is_preferred_channel_tied as {{ dbt.type_boolean() }}) as is_preferred_channel_tied

    from customers

    left join per_customer
        on customers.customer_id = per_customer.customer_id

    left join source_channel_lists
        on customers.customer_id = source_channel_lists.customer_id

    left join preferred
        on customers.customer_id = preferred.customer_id

)

select * from final
