with

base as (

    select * from {{ ref('base_crm__quotas') }}

),

accepted as (

    select
        md5(rep_id || '|' || cast(quota_month as {{ dbt.type_string() }})) as quota_id,
        rep_id,
        quota_month,
        quota_amount,
        currency_code,
        updated_at

    from base

    where rejection_reason is null

)

select * from accepted
