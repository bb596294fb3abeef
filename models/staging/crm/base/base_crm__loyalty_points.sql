{#- Every raw loyalty points transaction row, typed, with the reason it is rejected (null when accepted). -#}
{%- set raw_columns = ['points_txn_id', 'customer_id', 'order_id', 'txn_type', 'points', 'txn_at'] -%}
with

source as (

    select * from {{ raw_source('loyalty_points') }}

),

categories as (

    select * from {{ ref('stg_lookups__category_synonyms') }}

),

customers as (

    select * from {{ ref('base_crm__customers') }}

),

orders as (

    select * from {{ ref('base_crm__orders') }}

),

typed as (

    select
        {{ clean_text('points_txn_id') }} as points_txn_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('order_id') }} as order_id,
        {{ normalize_label('txn_type') }} as txn_type_label,
        {{ parse_integer('points') }} as points,
        {{ parse_timestamp('txn_at') }} as txn_at,
        {{ clean_text('points_txn_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

categorised as (

    {{ categorised('typed', [
        {'label': 'txn_type_label', 'domain': 'loyalty_txn_type', 'column': 'txn_type'},
    ]) }}

),

-- The sign follows the type: earn adds (>= 0), redeem and expire remove (<= 0), adjust may go either way.
checked as (

    select
        *,
        case
            when points_txn_id is null then 'missing_key:points_txn_id'
            when txn_at is null then 'invalid_timestamp:txn_at'
            when points is null then 'invalid_number:points'
            when txn_type is null then 'unknown_category:txn_type'
            when txn_type = 'earn' and points < 0 then 'negative_amount:points'
            when txn_type in ('redeem', 'expire') and points > 0 then 'out_of_range:points'
        end as row_issue

    from categorised

),

-- No updated_at: the latest txn_at wins, the row fingerprint breaks ties.
deduplicated as (

    {{ deduplicated('checked', ['points_txn_id'], 'txn_at desc') }}

),

referenced as (

    select
        deduplicated.*,
        case
            when deduplicated.deduped_issue is not null then deduplicated.deduped_issue
            when customers.customer_id is null then 'orphan_reference:customer_id'
            when deduplicated.order_id is not null and orders.order_id is null then 'orphan_reference:order_id'
            when deduplicated.txn_at < customers.created_at then 'before_customer_created:txn_at'
        end as rejection

    from deduplicated

    left join customers
        on deduplicated.customer_id = customers.customer_id
        and customers.rejection_reason is null

    left join orders
        on deduplicated.order_id = orders.order_id
        and orders.rejection_reason is null

),

final as (

    select
        points_txn_id,
        customer_id,
        order_id,
        txn_type,
        points,
        txn_at,
        {{ rejection_columns('rejection', raw_columns) }}

    from referenced

)

select * from final
