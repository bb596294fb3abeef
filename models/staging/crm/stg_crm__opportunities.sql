with

base as (

    select * from {{ ref('base_crm__opportunities') }}

),

accepted as (

    select
        opportunity_id,
        customer_id,
        lead_id,
        owner_rep_id,
        product_id,
        amount,
        currency_code,
        created_at,
        expected_close_date,
        actual_close_date,
        stage_name,
        stage_name in ('closed_won', 'closed_lost') as is_closed,
        stage_name = 'closed_won' as is_won,
        lost_reason,
        stage_probability_pct,
        updated_at

    from base

    where rejection_reason is null

)

select * from accepted
