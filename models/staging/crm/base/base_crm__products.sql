{#-
    Every raw product row, typed, with the reason it is rejected (null when accepted).
    unit_cost is optional (many exports do not know it): empty stays null, never 0;
    a value that is not a number is rejected.
-#}
{%- set raw_columns = [
    'product_id', 'sku', 'product_name', 'category', 'is_subscription', 'list_price', 'unit_cost', 'currency',
    'launched_at', 'updated_at',
] -%}
with

source as (

    select * from {{ raw_source('products') }}

),

currencies as (

    select * from {{ ref('currencies') }}

),

typed as (

    select
        {{ clean_text('product_id') }} as product_id,
        {{ clean_text('sku') }} as sku,
        {{ clean_text('product_name', mask_pii=true) }} as product_name,
        {{ normalize_label('category', mask_pii=true) }} as category,
        {{ parse_boolean('is_subscription') }} as is_subscription,
        {{ parse_number('list_price') }} as list_price,
        {{ parse_number('unit_cost') }} as unit_cost,
        upper({{ clean_text('currency') }}) as currency_code,
        {{ parse_timestamp('launched_at') }} as launched_at,
        {{ parse_timestamp('updated_at') }} as updated_at,
        nullif(trim(launched_at), '') as raw_launched_at,
        nullif(trim(unit_cost), '') as raw_unit_cost,
        {{ clean_text('product_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

checked as (

    select
        typed.*,
        case
            when typed.product_id is null then 'missing_key:product_id'
            when typed.updated_at is null then 'invalid_timestamp:updated_at'
            when typed.raw_launched_at is not null and typed.launched_at is null then 'invalid_timestamp:launched_at'
            when typed.list_price is null then 'invalid_number:list_price'
            when typed.raw_unit_cost is not null and typed.unit_cost is null then 'invalid_number:unit_cost'
            when typed.list_price < 0 then 'negative_amount:list_price'
            when typed.unit_cost < 0 then 'negative_amount:unit_cost'
            when typed.is_subscription is null then 'unknown_category:is_subscription'
            when currencies.currency_code is null then 'unknown_currency:currency'
        end as row_issue

    from typed

    left join currencies
        on typed.currency_code = currencies.currency_code

),

deduplicated as (

    {{ deduplicated('checked', ['product_id'], 'updated_at desc') }}

),

final as (

    select
        product_id,
        sku,
        product_name,
        category,
        is_subscription,
        list_price,
        unit_cost,
        currency_code,
        launched_at,
        updated_at,
        {{ rejection_columns('deduped_issue', raw_columns) }}

    from deduplicated

)

select * from final
