{#- Every raw customer row, typed, with the reason it is rejected (null when accepted). -#}
{%- set raw_columns = [
    'customer_id', 'customer_type', 'full_name', 'company_name', 'email', 'phone', 'gender', 'birth_date',
    'country', 'city', 'segment', 'industry', 'acquisition_channel', 'owner_rep_id', 'created_at', 'updated_at',
] -%}
with

source as (

    select * from {{ raw_source('customers') }}

),

categories as (

    select * from {{ ref('stg_lookups__category_synonyms') }}

),

sales_reps as (

    select * from {{ ref('base_crm__sales_reps') }}

),

typed as (

    select
        {{ clean_text('customer_id') }} as customer_id,
        {{ normalize_label('customer_type') }} as customer_type_label,
        {{ clean_text('full_name', mask_pii=true) }} as full_name,
        {{ clean_text('company_name', mask_pii=true) }} as company_name,
        {{ pii_hash(contact_email('email', 'phone')) }} as email_hash,
        {{ pii_hash(contact_phone('email', 'phone')) }} as phone_hash,
        {{ contacts_swapped('email', 'phone') }} as has_swapped_contacts,
        {{ normalize_label('gender') }} as gender_label,
        {{ parse_date('birth_date') }} as birth_date,
        upper({{ clean_text('country') }}) as country_code,
        {{ clean_text('city', mask_pii=true) }} as city,
        {{ normalize_label('segment') }} as segment_label,
        {{ clean_text('industry', mask_pii=true) }} as industry,
        {{ normalize_label('acquisition_channel', mask_pii=true) }} as acquisition_channel,
        {{ clean_text('owner_rep_id') }} as owner_rep_id,
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('updated_at') }} as updated_at,
        nullif(trim(birth_date), '') as raw_birth_date,
        {{ clean_text('customer_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

categorised as (

    {{ categorised('typed', [
        {'label': 'customer_type_label', 'domain': 'customer_type', 'column': 'customer_type'},
        {'label': 'segment_label', 'domain': 'customer_segment', 'column': 'segment'},
        {'label': 'gender_label', 'domain': 'gender', 'column': 'gender'},
    ]) }}

),

checked as (

    select
        *,
        case
            when customer_id is null then 'missing_key:customer_id'
            when created_at is null then 'invalid_timestamp:created_at'
            when updated_at is null then 'invalid_timestamp:updated_at'
            when raw_birth_date is not null and birth_date is null then 'invalid_timestamp:birth_date'
            when customer_type is null then 'unknown_category:customer_type'
            when segment_label is not null and segment is null then 'unknown_category:segment'
            when gender_label is not null and gender is null then 'unknown_category:gender'
        end as row_issue

    from categorised

),

deduplicated as (

    {{ deduplicated('checked', ['customer_id'], 'updated_at desc') }}

),

referenced as (

    select
        deduplicated.*,
        case
            when deduplicated.deduped_issue is not null then deduplicated.deduped_issue
            when deduplicated.owner_rep_id is not null and sales_reps.rep_id is null
                then 'orphan_reference:owner_rep_id'
        end as rejection

    from deduplicated

    left join sales_reps
        on deduplicated.owner_rep_id = sales_reps.rep_id
        and sales_reps.rejection_reason is null

),

final as (

    select
        customer_id,
        customer_type,
        full_name,
        company_name,
        email_hash,
        phone_hash,
        has_swapped_contacts,
        gender,
        birth_date,
        country_code,
        city,
        segment,
        industry,
        acquisition_channel,
        owner_rep_id,
        created_at,
        updated_at,
        {{ rejection_columns('rejection', raw_columns, pii_columns=['email', 'phone']) }}

    from referenced

)

select * from final
