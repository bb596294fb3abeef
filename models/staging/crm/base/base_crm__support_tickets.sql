{#- Every raw support ticket row, typed, with the reason it is rejected (null when accepted). -#}
{%- set raw_columns = [
    'ticket_id', 'customer_id', 'product_id', 'channel', 'priority', 'category', 'status', 'created_at',
    'first_response_at', 'resolved_at', 'is_escalated', 'reopened_count', 'assignee_rep_id', 'updated_at',
] -%}
with

source as (

    select * from {{ raw_source('support_tickets') }}

),

categories as (

    select * from {{ ref('stg_lookups__category_synonyms') }}

),

customers as (

    select * from {{ ref('base_crm__customers') }}

),

products as (

    select * from {{ ref('base_crm__products') }}

),

sales_reps as (

    select * from {{ ref('base_crm__sales_reps') }}

),

typed as (

    select
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('product_id') }} as product_id,
        {{ normalize_label('channel') }} as channel_label,
        {{ normalize_label('priority') }} as priority_label,
        {{ normalize_label('category', mask_pii=true) }} as category,
        {{ normalize_label('status') }} as status_label,
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('first_response_at') }} as first_response_at,
        {{ parse_timestamp('resolved_at') }} as resolved_at,
        coalesce({{ parse_boolean('is_escalated') }}, false) as is_escalated,
        coalesce({{ parse_integer('reopened_count') }}, 0) as reopened_count,
        {{ clean_text('assignee_rep_id') }} as assignee_rep_id,
        {{ parse_timestamp('updated_at') }} as updated_at,
        nullif(trim(first_response_at), '') as raw_first_response_at,
        nullif(trim(resolved_at), '') as raw_resolved_at,
        nullif(trim(is_escalated), '') as raw_is_escalated,
        {{ parse_boolean('is_escalated') }} as parsed_is_escalated,
        nullif(trim(reopened_count), '') as raw_reopened_count,
        {{ parse_integer('reopened_count') }} as parsed_reopened_count,
        {{ clean_text('ticket_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

categorised as (

    {{ categorised('typed', [
        {'label': 'channel_label', 'domain': 'ticket_channel', 'column': 'channel'},
        {'label': 'priority_label', 'domain': 'ticket_priority', 'column': 'priority'},
        {'label': 'status_label', 'domain': 'ticket_status', 'column': 'ticket_status'},
    ]) }}

),

-- A response or resolution before the ticket was opened is impossible: out_of_range on that column.
checked as (

    select
        *,
        case
            when ticket_id is null then 'missing_key:ticket_id'
            when created_at is null then 'invalid_timestamp:created_at'
            when raw_first_response_at is not null and first_response_at is null
                then 'invalid_timestamp:first_response_at'
            when raw_resolved_at is not null and resolved_at is null then 'invalid_timestamp:resolved_at'
            when updated_at is null then 'invalid_timestamp:updated_at'
            when first_response_at < created_at then 'out_of_range:first_response_at'
            when resolved_at < created_at then 'out_of_range:resolved_at'
            when raw_reopened_count is not null and parsed_reopened_count is null then 'invalid_number:reopened_count'
            when reopened_count < 0 then 'out_of_range:reopened_count'
            when raw_is_escalated is not null and parsed_is_escalated is null then 'unknown_category:is_escalated'
            when channel_label is not null and channel is null then 'unknown_category:channel'
            when priority is null then 'unknown_category:priority'
            when ticket_status is null then 'unknown_category:status'
        end as row_issue

    from categorised

),

deduplicated as (

    {{ deduplicated('checked', ['ticket_id'], 'updated_at desc') }}

),

referenced as (

    select
        deduplicated.*,
        case
            when deduplicated.deduped_issue is not null then deduplicated.deduped_issue
            when customers.customer_id is null then 'orphan_reference:customer_id'
            when deduplicated.product_id is not null and products.product_id is null
                then 'orphan_reference:product_id'
            when deduplicated.assignee_rep_id is not null and sales_reps.rep_id is null
                then 'orphan_reference:assignee_rep_id'
            when deduplicated.created_at < customers.created_at then 'before_customer_created:created_at'
        end as rejection

    from deduplicated

    left join customers
        on deduplicated.customer_id = customers.customer_id
        and customers.rejection_reason is null

    left join products
        on deduplicated.product_id = products.product_id
        and products.rejection_reason is null

    left join sales_reps
        on deduplicated.assignee_rep_id = sales_reps.rep_id
        and sales_reps.rejection_reason is null

),

final as (

    select
        ticket_id,
        customer_id,
        product_id,
        channel,
        priority,
        category,
        ticket_status,
        created_at,
        first_response_at,
        resolved_at,
        is_escalated,
        reopened_count,
        assignee_rep_id,
        updated_at,
        {{ rejection_columns('rejection', raw_columns) }}

    from referenced

)

select * from final
