with

base as (

    select * from {{ ref('base_crm__quotas') }}

),

accepted as (

    select
        {{ surrogate_key(['rep_id', 'quota_month']) }} as quota_id,
        rep_id,
        quota_month,
        quota_amount,
        currency_code,
        updated_at

    from base

    where rejection_reason is null

)

select * from accepted
