with

base as (

    select * from {{ ref('base_crm__crm_logins') }}

),

accepted as (

    select
        login_id,
        rep_id,
        logged_in_at,
        client_type

    from base

    where rejection_reason is null

)

select * from accepted
