with

base as (

    select * from {{ ref('base_crm__sales_reps') }}

),

accepted as (

    select
        rep_id,
        full_name,
        email_hash,
        team,
        manager_rep_id,
        region,
        hire_date,
        employment_status,
        employment_status = 'active' as is_active,
        updated_at

    from base

    where rejection_reason is null

)

select * from accepted
