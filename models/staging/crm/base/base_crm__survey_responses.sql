{#- Every raw survey response row, typed, with the reason it is rejected (null when accepted). -#}
{%- set raw_columns = [
    'response_id', 'customer_id', 'ticket_id', 'survey_type', 'channel', 'responded_at', 'score', 'ces_scale',
    'comment',
] -%}
{#- ces_scale as "min-max" without spaces; en and em dashes count as a hyphen. -#}
{%- set ces_scale_text = "regexp_replace(regexp_replace(" ~ nfc_normalize('ces_scale') ~ ", '\s+', '', 'g'), '[–—]', '-', 'g')" -%}
with

source as (

    select * from {{ raw_source('survey_responses') }}

),

categories as (

    select * from {{ ref('stg_lookups__category_synonyms') }}

),

customers as (

    select * from {{ ref('base_crm__customers') }}

),

support_tickets as (

    select * from {{ ref('base_crm__support_tickets') }}

),

typed as (

    select
        {{ clean_text('response_id') }} as response_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ normalize_label('survey_type') }} as survey_type_label,
        {{ normalize_label('channel', mask_pii=true) }} as channel,
        {{ parse_timestamp('responded_at') }} as responded_at,
        {{ parse_integer('score') }} as score,
        case
            when {{ regex_matches(ces_scale_text, '^[0-9]{1,2}-[0-9]{1,2}$') }}
                then cast(split_part({{ ces_scale_text }}, '-', 1) as {{ dbt.type_int() }})
        end as parsed_scale_min,
        case
            when {{ regex_matches(ces_scale_text, '^[0-9]{1,2}-[0-9]{1,2}$') }}
                then cast(split_part({{ ces_scale_text }}, '-', 2) as {{ dbt.type_int() }})
        end as parsed_scale_max,
        {{ clean_text('comment', mask_pii=true) }} as comment,  -- noqa: RF04
        {{ clean_text('response_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

categorised as (

    {{ categorised('typed', [
        {'label': 'survey_type_label', 'domain': 'survey_type', 'column': 'survey_type'},
    ]) }}

),

-- The scale of each question: fixed for NPS (0-10) and CSAT (1-5), the exported ces_scale for CES.
scaled as (

    select
        *,
        case
            when survey_type = 'nps' then 0
            when survey_type = 'csat' then 1
            when survey_type = 'ces' and parsed_scale_min < parsed_scale_max then parsed_scale_min
        end as scale_min,
        case
            when survey_type = 'nps' then 10
            when survey_type = 'csat' then 5
            when survey_type = 'ces' and parsed_scale_min < parsed_scale_max then parsed_scale_max
        end as scale_max

    from categorised

),

checked as (

    select
        *,
        case
            when response_id is null then 'missing_key:response_id'
            when responded_at is null then 'invalid_timestamp:responded_at'
            when survey_type is null then 'unknown_category:survey_type'
            when score is null then 'invalid_number:score'
            when scale_min is null then 'out_of_range:ces_scale'
            when score < scale_min or score > scale_max then 'out_of_range:score'
        end as row_issue

    from scaled

),

-- No updated_at: the latest responded_at wins, the row fingerprint breaks ties.
deduplicated as (

    {{ deduplicated('checked', ['response_id'], 'responded_at desc') }}

),

referenced as (

    select
        deduplicated.*,
        case
            when deduplicated.deduped_issue is not null then deduplicated.deduped_issue
            when customers.customer_id is null then 'orphan_reference:customer_id'
            when deduplicated.ticket_id is not null and support_tickets.ticket_id is null
                then 'orphan_reference:ticket_id'
            when deduplicated.responded_at < customers.created_at then 'before_customer_created:responded_at'
        end as rejection

    from deduplicated

    left join customers
        on deduplicated.customer_id = customers.customer_id
        and customers.rejection_reason is null

    left join support_tickets
        on deduplicated.ticket_id = support_tickets.ticket_id
        and support_tickets.rejection_reason is null

),

final as (

    select
        response_id,
        customer_id,
        ticket_id,
        survey_type,
        channel,
        responded_at,
        score,
        case when survey_type = 'ces' then scale_min end as ces_scale_min,
        case when survey_type = 'ces' then scale_max end as ces_scale_max,
        comment,
        {{ rejection_columns('rejection', raw_columns) }}

    from referenced

)

select * from final
