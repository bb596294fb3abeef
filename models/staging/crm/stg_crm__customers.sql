with

base as (

    select * from {{ ref('base_crm__customers') }}

),

accepted as (

    select
        customer_id,
        customer_type,
        full_name,
        company_name,
        email_hash,
        phone_hash,
        gender,
        birth_date,
        country_code,
        city,
        segment,
        industry,
        acquisition_channel,
        owner_rep_id,
        created_at,
        updated_at

    from base

    where rejection_reason is null

)

select * from accepted
