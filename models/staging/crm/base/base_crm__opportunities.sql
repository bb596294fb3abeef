{#- Every raw opportunity row, typed, with the reason it is rejected (null when accepted). -#}
{%- set raw_columns = [
    'opportunity_id', 'customer_id', 'lead_id', 'owner_rep_id', 'product_id', 'amount', 'currency', 'created_at',
    'expected_close_date', 'actual_close_date', 'stage', 'lost_reason', 'stage_probability', 'updated_at',
] -%}
with

source as (

    select * from {{ raw_source('opportunities') }}

),

categories as (

    select * from {{ ref('stg_lookups__category_synonyms') }}

),

currencies as (

    select * from {{ ref('currencies') }}

),

customers as (

    select * from {{ ref('base_crm__customers') }}

),

leads as (

    select * from {{ ref('base_crm__leads') }}

),

sales_reps as (

    select * from {{ ref('base_crm__sales_reps') }}

),

products as (

    select * from {{ ref('base_crm__products') }}

),

typed as (

    select
        {{ clean_text('opportunity_id') }} as opportunity_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('lead_id') }} as lead_id,
        {{ clean_text('owner_rep_id') }} as owner_rep_id,
        {{ clean_text('product_id') }} as product_id,
        {{ parse_number('amount') }} as amount,
        upper({{ clean_text('currency') }}) as currency_code,
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_date('expected_close_date') }} as expected_close_date,
        {{ parse_date('actual_close_date') }} as actual_close_date,
        {{ normalize_label('stage') }} as stage_label,
        {{ normalize_label('lost_reason', mask_pii=true) }} as lost_reason,
        {{ parse_number('stage_probability') }} as stage_probability_pct,
        {{ parse_timestamp('updated_at') }} as updated_at,
        nullif(trim(expected_close_date), '') as raw_expected_close_date,
        nullif(trim(actual_close_date), '') as raw_actual_close_date,
        nullif(trim(stage_probability), '') as raw_stage_probability,
        {{ clean_text('opportunity_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

categorised as (

    {{ categorised('typed', [
        {'label': 'stage_label', 'domain': 'opportunity_stage', 'column': 'stage_name'},
    ]) }}

),

checked as (

    select
        categorised.*,
        case
            when categorised.opportunity_id is null then 'missing_key:opportunity_id'
            when categorised.created_at is null then 'invalid_timestamp:created_at'
            when categorised.updated_at is null then 'invalid_timestamp:updated_at'
            when categorised.raw_expected_close_date is not null and categorised.expected_close_date is null
                then 'invalid_timestamp:expected_close_date'
            when categorised.raw_actual_close_date is not null and categorised.actual_close_date is null
                then 'invalid_timestamp:actual_close_date'
            when categorised.amount is null then 'invalid_number:amount'
            when categorised.raw_stage_probability is not null and categorised.stage_probability_pct is null
                then 'invalid_number:stage_probability'
            when categorised.amount < 0 then 'negative_amount:amount'
            when currencies.currency_code is null then 'unknown_currency:currency'
            when categorised.stage_name is null then 'unknown_category:stage'
            when categorised.stage_probability_pct < 0 or categorised.stage_probability_pct > 100
                then 'out_of_range:stage_probability'
        end as row_issue

    from categorised

    left join currencies
        on categorised.currency_code = currencies.currency_code

),

deduplicated as (

    {{ deduplicated('checked', ['opportunity_id'], 'updated_at desc') }}

),

referenced as (

    select
        deduplicated.*,
        case
            when deduplicated.deduped_issue is not null then deduplicated.deduped_issue
            when deduplicated.customer_id is not null and customers.customer_id is null
                then 'orphan_reference:customer_id'
            when deduplicated.lead_id is not null and leads.lead_id is null
                then 'orphan_reference:lead_id'
            when deduplicated.owner_rep_id is not null and sales_reps.rep_id is null
                then 'orphan_reference:owner_rep_id'
            when deduplicated.product_id is not null and products.product_id is null
                then 'orphan_reference:product_id'
        end as rejection

    from deduplicated

    left join customers
        on deduplicated.customer_id = customers.customer_id
        and customers.rejection_reason is null

    left join leads
        on deduplicated.lead_id = leads.lead_id
        and leads.rejection_reason is null

    left join sales_reps
        on deduplicated.owner_rep_id = sales_reps.rep_id
        and sales_reps.rejection_reason is null

    left join products
        on deduplicated.product_id = products.product_id
        and products.rejection_reason is null

),

final as (

    select
        opportunity_id,
        customer_id,
        lead_id,
        owner_rep_id,
        product_id,
        amount,
        currency_code,
        created_at,
        expected_close_date,
        actual_close_date,
        stage_name,
        lost_reason,
        stage_probability_pct,
        updated_at,
        {{ rejection_columns('rejection', raw_columns) }}

    from referenced

)

select * from final
