{#- Every raw lead row, typed, with the reason it is rejected (null when accepted). -#}
{%- set raw_columns = [
    'lead_id', 'full_name', 'email', 'phone', 'company_name', 'lead_source', 'campaign_id', 'owner_rep_id',
    'status', 'created_at', 'last_contacted_at', 'converted_customer_id', 'converted_at', 'updated_at',
] -%}
with

source as (

    select * from {{ raw_source('leads') }}

),

categories as (

    select * from {{ ref('stg_lookups__category_synonyms') }}

),

campaigns as (

    select * from {{ ref('base_crm__campaigns') }}

),

sales_reps as (

    select * from {{ ref('base_crm__sales_reps') }}

),

customers as (

    select * from {{ ref('base_crm__customers') }}

),

typed as (

    select
        {{ clean_text('lead_id') }} as lead_id,
        {{ clean_text('full_name', mask_pii=true) }} as full_name,
        {{ pii_hash(contact_email('email', 'phone')) }} as email_hash,
        {{ pii_hash(contact_phone('email', 'phone')) }} as phone_hash,
        {{ contacts_swapped('email', 'phone') }} as has_swapped_contacts,
        {{ clean_text('company_name', mask_pii=true) }} as company_name,
        {{ normalize_label('lead_source', mask_pii=true) }} as lead_source,
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_text('owner_rep_id') }} as owner_rep_id,
        {{ normalize_label('status') }} as status_label,
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('last_contacted_at') }} as last_contacted_at,
        {{ clean_text('converted_customer_id') }} as converted_customer_id,
        {{ parse_timestamp('converted_at') }} as converted_at,
        {{ parse_timestamp('updated_at') }} as updated_at,
        nullif(trim(last_contacted_at), '') as raw_last_contacted_at,
        nullif(trim(converted_at), '') as raw_converted_at,
        {{ clean_text('lead_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

categorised as (

    {{ categorised('typed', [
        {'label': 'status_label', 'domain': 'lead_status', 'column': 'lead_status'},
    ]) }}

),

checked as (

    select
        *,
        case
            when lead_id is null then 'missing_key:lead_id'
            when created_at is null then 'invalid_timestamp:created_at'
            when updated_at is null then 'invalid_timestamp:updated_at'
            when raw_last_contacted_at is not null and last_contacted_at is null
                then 'invalid_timestamp:last_contacted_at'
            when raw_converted_at is not null and converted_at is null then 'invalid_timestamp:converted_at'
            when lead_status is null then 'unknown_category:status'
        end as row_issue

    from categorised

),

deduplicated as (

    {{ deduplicated('checked', ['lead_id'], 'updated_at desc') }}

),

referenced as (

    select
        deduplicated.*,
        case
            when deduplicated.deduped_issue is not null then deduplicated.deduped_issue
            when deduplicated.campaign_id is not null and campaigns.campaign_id is null
                then 'orphan_reference:campaign_id'
            when deduplicated.owner_rep_id is not null and sales_reps.rep_id is null
                then 'orphan_reference:owner_rep_id'
            when deduplicated.converted_customer_id is not null and customers.customer_id is null
                then 'orphan_reference:converted_customer_id'
        end as rejection

    from deduplicated

    left join campaigns
        on deduplicated.campaign_id = campaigns.campaign_id
        and campaigns.rejection_reason is null

    left join sales_reps
        on deduplicated.owner_rep_id = sales_reps.rep_id
        and sales_reps.rejection_reason is null

    left join customers
        on deduplicated.converted_customer_id = customers.customer_id
        and customers.rejection_reason is null

),

final as (

    select
        lead_id,
        full_name,
        email_hash,
        phone_hash,
        has_swapped_contacts,
        company_name,
        lead_source,
        campaign_id,
        owner_rep_id,
        lead_status,
        created_at,
        last_contacted_at,
        converted_customer_id,
        converted_at,
        updated_at,
        {{ rejection_columns('rejection', raw_columns, pii_columns=['email', 'phone']) }}

    from referenced

)

select * from final
