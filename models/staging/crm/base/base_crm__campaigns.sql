{#- Every raw campaign row, typed, with the reason it is rejected (null when accepted). -#}
{%- set raw_columns = [
    'campaign_id', 'campaign_name', 'channel', 'objective', 'start_date', 'end_date', 'budget', 'currency',
    'updated_at',
] -%}
with

source as (

    select * from {{ raw_source('campaigns') }}

),

categories as (

    select * from {{ ref('stg_lookups__category_synonyms') }}

),

currencies as (

    select * from {{ ref('currencies') }}

),

typed as (

    select
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_text('campaign_name', mask_pii=true) }} as campaign_name,
        {{ normalize_label('channel', mask_pii=true) }} as channel,
        {{ normalize_label('objective') }} as objective_label,
        {{ parse_date('start_date') }} as start_date,
        {{ parse_date('end_date') }} as end_date,
        {{ parse_number('budget') }} as budget_amount,
        upper({{ clean_text('currency') }}) as currency_code,
        {{ parse_timestamp('updated_at') }} as updated_at,
        nullif(trim(end_date), '') as raw_end_date,
        {{ clean_text('campaign_id') }} as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

categorised as (

    {{ categorised('typed', [
        {'label': 'objective_label', 'domain': 'campaign_objective', 'column': 'objective'},
    ]) }}

),

checked as (

    select
        categorised.*,
        case
            when categorised.campaign_id is null then 'missing_key:campaign_id'
            when categorised.updated_at is null then 'invalid_timestamp:updated_at'
            when categorised.start_date is null then 'invalid_timestamp:start_date'
            when categorised.raw_end_date is not null and categorised.end_date is null then 'invalid_timestamp:end_date'
            when categorised.budget_amount is null then 'invalid_number:budget'
            when categorised.budget_amount < 0 then 'negative_amount:budget'
            when currencies.currency_code is null then 'unknown_currency:currency'
            when categorised.objective is null then 'unknown_category:objective'
            when categorised.end_date < categorised.start_date then 'out_of_range:end_date'
        end as row_issue

    from categorised

    left join currencies
        on categorised.currency_code = currencies.currency_code

),

deduplicated as (

    {{ deduplicated('checked', ['campaign_id'], 'updated_at desc') }}

),

final as (

    select
        campaign_id,
        campaign_name,
        channel,
        objective,
        start_date,
        end_date,
        budget_amount,
        currency_code,
        updated_at,
        {{ rejection_columns('deduped_issue', raw_columns) }}

    from deduplicated

)

select * from final
