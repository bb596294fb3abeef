{#- Every raw order line, typed, with the reason it is rejected (null when accepted). -#}
{%- set raw_columns = ['order_item_id', 'order_id', 'product_id', 'quantity', 'unit_price'] -%}
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='raw_key', on_schema_change='fail') }}
{#- Held accepted lines whose order is no longer accepted (a new version of it was rejected). -#}
{%- set orders_no_longer_accepted -%}
        select held_lines.raw_key

        from {{ this }} as held_lines

        left join {{ ref('base_crm__orders') }} as accepted_orders
            on held_lines.order_id = accepted_orders.order_id
            and accepted_orders.rejection_reason is null

        where held_lines.rejection_reason is null
            and accepted_orders.order_id is null
{%- endset -%}
with

source as (

    {{ incremental_raw_rows('order_items', 'order_item_id', raw_columns, extra_keys=orders_no_longer_accepted) }}

),

orders as (

    select * from {{ ref('base_crm__orders') }}

),

products as (

    select * from {{ ref('base_crm__products') }}

),

typed as (

    select
        {{ clean_text('order_item_id') }} as order_item_id,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('product_id') }} as product_id,
        {{ parse_integer('quantity') }} as quantity,
        {{ parse_number('unit_price') }} as unit_price,
        {{ clean_text('order_item_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

checked as (

    select
        *,
        case
            when order_item_id is null then 'missing_key:order_item_id'
            when quantity is null then 'invalid_number:quantity'
            when quantity < 0 then 'negative_amount:quantity'
            when quantity = 0 then 'out_of_range:quantity'
            when unit_price is null then 'invalid_number:unit_price'
            when unit_price < 0 then 'negative_amount:unit_price'
        end as row_issue

    from typed

),

-- No updated_at: the versions of a line are ordered by their row fingerprint only.
deduplicated as (

    {{ deduplicated('checked', ['order_item_id'], 'raw_row_hash desc') }}

),

referenced as (

    select
        deduplicated.*,
        case
            when deduplicated.deduped_issue is not null then deduplicated.deduped_issue
            when orders.order_id is null then 'orphan_reference:order_id'
            when products.product_id is null then 'orphan_reference:product_id'
        end as rejection

    from deduplicated

    left join orders
        on deduplicated.order_id = orders.order_id
        and orders.rejection_reason is null

    left join products
        on deduplicated.product_id = products.product_id
        and products.rejection_reason is null

),

final as (

    select
        order_item_id,
        order_id,
        product_id,
        quantity,
        unit_price,
        {{ rejection_columns('rejection', raw_columns) }}

    from referenced

)

select * from final
