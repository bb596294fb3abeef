with

base as (

    select * from {{ ref('base_crm__leads') }}

),

accepted as (

    select
        lead_id,
        full_name,
        email_hash,
        phone_hash,
        company_name,
        lead_source,
        campaign_id,
        owner_rep_id,
        owner_rep_id is null as is_in_shared_pool,
        lead_status,
        created_at,
        last_contacted_at,
        converted_customer_id,
        converted_at,
        updated_at

    from base

    where rejection_reason is null

)

select * from accepted
