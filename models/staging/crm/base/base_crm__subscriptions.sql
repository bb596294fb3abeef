{#- Every raw subscription contract row, typed, with the reason it is rejected (null when accepted). -#}
{%- set raw_columns = [
    'subscription_id', 'customer_id', 'product_id', 'plan', 'mrr', 'currency', 'contract_start_date',
    'contract_end_date', 'status', 'renewal_of_subscription_id', 'cancelled_at', 'cancel_reason', 'updated_at',
] -%}
with recursive

source as (

    select * from {{ raw_source('subscriptions') }}

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

products as (

    select * from {{ ref('base_crm__products') }}

),

typed as (

    select
        {{ clean_text('subscription_id') }} as subscription_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('product_id') }} as product_id,
        {{ normalize_label('plan') }} as plan_label,
        {{ parse_number('mrr') }} as mrr,
        upper({{ clean_text('currency') }}) as currency_code,
        {{ parse_date('contract_start_date') }} as contract_start_date,
        {{ parse_date('contract_end_date') }} as contract_end_date,
        {{ normalize_label('status') }} as status_label,
        {{ clean_text('renewal_of_subscription_id') }} as renewal_of_subscription_id,
        {{ parse_timestamp('cancelled_at') }} as cancelled_at,
        {{ clean_text('cancel_reason', mask_pii=true) }} as cancel_reason,
        {{ parse_timestamp('updated_at') }} as updated_at,
        nullif(trim(contract_end_date), '') as raw_contract_end_date,
        nullif(trim(cancelled_at), '') as raw_cancelled_at,
        {{ clean_text('subscription_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

categorised as (

    {{ categorised('typed', [
        {'label': 'plan_label', 'domain': 'subscription_plan', 'column': 'plan'},
        {'label': 'status_label', 'domain': 'subscription_status', 'column': 'subscription_status'},
    ]) }}

),

checked as (

    select
        categorised.*,
        case
            when categorised.subscription_id is null then 'missing_key:subscription_id'
            when categorised.contract_start_date is null then 'invalid_timestamp:contract_start_date'
            when categorised.raw_contract_end_date is not null and categorised.contract_end_date is null
                then 'invalid_timestamp:contract_end_date'
            when categorised.raw_cancelled_at is not null and categorised.cancelled_at is null
                then 'invalid_timestamp:cancelled_at'
            when categorised.updated_at is null then 'invalid_timestamp:updated_at'
            when categorised.contract_end_date < categorised.contract_start_date then 'out_of_range:contract_end_date'
            when categorised.mrr is null then 'invalid_number:mrr'
            when categorised.mrr < 0 then 'negative_amount:mrr'
            when categorised.plan is null then 'unknown_category:plan'
            when categorised.subscription_status is null then 'unknown_category:status'
            when currencies.currency_code is null then 'unknown_currency:currency'
        end as row_issue

    from categorised

    left join currencies
        on categorised.currency_code = currencies.currency_code

),

deduplicated as (

    {{ deduplicated('checked', ['subscription_id'], 'updated_at desc') }}

),

-- The customer is compared by calendar date: a contract may start on the day the customer was created.
referenced as (

    select
        deduplicated.*,
        case
            when deduplicated.deduped_issue is not null then deduplicated.deduped_issue
            when customers.customer_id is null then 'orphan_reference:customer_id'
            when products.product_id is null then 'orphan_reference:product_id'
            when deduplicated.contract_start_date < cast(customers.created_at as date)
                then 'before_customer_created:contract_start_date'
        end as renewal_issue_0

    from deduplicated

    left join customers
        on deduplicated.customer_id = customers.customer_id
        and customers.rejection_reason is null

    left join products
        on deduplicated.product_id = products.product_id
        and products.rejection_reason is null

),

-- Self-reference: a renewal must point at a contract accepted by this model, all the way up its
-- chain. Walk down from the contracts that renew nothing: what the walk reaches has a sound chain
-- however long; a renewal it does not reach renews a missing or rejected contract somewhere up its
-- chain (or sits in a cycle). Accepted ids are unique, so every contract is reached at most once.
sound_chains (subscription_id) as (

    select subscription_id

    from referenced

    where renewal_issue_0 is null and renewal_of_subscription_id is null

    union all

    select renewal.subscription_id

    from referenced as renewal

    inner join sound_chains
        on renewal.renewal_of_subscription_id = sound_chains.subscription_id

    where renewal.renewal_issue_0 is null

),

renewals_checked as (

    select
        referenced.*,
        case
            when referenced.renewal_issue_0 is not null then referenced.renewal_issue_0
            when sound_chains.subscription_id is null then 'orphan_reference:renewal_of_subscription_id'
        end as rejection

    from referenced

    left join sound_chains
        on referenced.subscription_id = sound_chains.subscription_id
        and referenced.renewal_issue_0 is null

),

final as (

    select
        subscription_id,
        customer_id,
        product_id,
        plan,
        mrr,
        currency_code,
        contract_start_date,
        contract_end_date,
        subscription_status,
        renewal_of_subscription_id,
        cancelled_at,
        cancel_reason,
        updated_at,
        {{ rejection_columns('rejection', raw_columns) }}

    from renewals_checked

)

select * from final
