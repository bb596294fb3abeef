{#- Every raw marketing spend row, typed, with the reason it is rejected (null when accepted). -#}
{%- set raw_columns = ['spend_date', 'campaign_id', 'channel', 'amount', 'currency'] -%}
with

source as (

    select * from {{ raw_source('marketing_spend') }}

),

currencies as (

    select * from {{ ref('currencies') }}

),

campaigns as (

    select * from {{ ref('base_crm__campaigns') }}

),

typed as (

    select
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ normalize_label('channel', mask_pii=true) }} as channel,
        {{ parse_date('spend_date') }} as spend_date,
        {{ parse_number('amount') }} as spend_amount,
        upper({{ clean_text('currency') }}) as currency_code,
        nullif(trim(spend_date), '') as raw_spend_date,
        nullif(
            coalesce({{ clean_text('campaign_id') }}, '')
            || '|' || coalesce({{ clean_text('channel') }}, '')
            || '|' || coalesce({{ clean_text('spend_date') }}, ''),
            '||'
        ) as raw_key,
        {{ row_fingerprint(raw_columns) }} as raw_row_hash,
        {{ kept_raw_columns(raw_columns) }}

    from source

),

keyed as (

    select
        *,
        {{ surrogate_key(['campaign_id', 'channel', 'spend_date']) }} as spend_id

    from typed

),

checked as (

    select
        keyed.*,
        case
            when keyed.campaign_id is null then 'missing_key:campaign_id'
            when keyed.channel is null then 'missing_key:channel'
            when keyed.raw_spend_date is null then 'missing_key:spend_date'
            when keyed.spend_date is null then 'invalid_timestamp:spend_date'
            when keyed.spend_amount is null then 'invalid_number:amount'
            when keyed.spend_amount < 0 then 'negative_amount:amount'
            when currencies.currency_code is null then 'unknown_currency:currency'
        end as row_issue

    from keyed

    left join currencies
        on keyed.currency_code = currencies.currency_code

),

-- No updated_at and no natural order among copies of a key: the row fingerprint alone decides.
deduplicated as (

    {{ deduplicated('checked', ['campaign_id', 'channel', 'spend_date'], 'raw_row_hash desc') }}

),

referenced as (

    select
        deduplicated.*,
        case
            when deduplicated.deduped_issue is not null then deduplicated.deduped_issue
            when campaigns.campaign_id is null then 'orphan_reference:campaign_id'
        end as rejection

    from deduplicated

    left join campaigns
        on deduplicated.campaign_id = campaigns.campaign_id
        and campaigns.rejection_reason is null

),

final as (

    select
        spend_id,
        spend_date,
        campaign_id,
        channel,
        spend_amount,
        currency_code,
        {{ rejection_columns('rejection', raw_columns) }}

    from referenced

)

select * from final
