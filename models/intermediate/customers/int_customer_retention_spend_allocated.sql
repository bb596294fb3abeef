{#-
    Retention spend allocated to customers. Grain: one row per retention spend
    pool (campaign x spend month, int_customer_retention_spend_pooled) per
    recipient customer (the customers the campaign reached, or the customers
    active in the spend month when it reached nobody). The pool's amount is
    split equally to the cent: every recipient gets the amount divided by the
    number of recipients rounded down to the cent, and the cents left over go
    one each to the first recipients in customer_id order, so the shares add up
    exactly to the pool and differ by at most a cent. Unallocated pools have no
    rows.
-#}
with

pools as (

    select * from {{ ref('int_customer_retention_spend_pooled') }}

),

reached as (

    select * from {{ ref('int_customer_retention_campaigns_reached') }}

),

purchase_days as (

    select * from {{ ref('int_customer_purchase_days') }}

),

active as (

    select distinct
        cast({{ dbt.date_trunc('month', 'purchase_date') }} as date) as activity_month,
        customer_id

    from purchase_days

),

recipients as (

    select
        pools.retention_spend_pool_id,
        pools.campaign_id,
        pools.spend_month,
        pools.allocation_basis,
        pools.recipient_count,
        pools.allocated_reporting,
        reached.customer_id

    from pools

    inner join reached
        on pools.campaign_id = reached.campaign_id

    where pools.allocation_basis = 'reached_customers'

    union all

    select
        pools.retention_spend_pool_id,
        pools.campaign_id,
        pools.spend_month,
        pools.allocation_basis,
        pools.recipient_count,
        pools.allocated_reporting,
        active.customer_id

    from pools

    inner join active
        on pools.spend_month = active.activity_month

    where pools.allocation_basis = 'active_customers'

),

in_cents as (

    select
        *,
        cast(round(allocated_reporting * 100, 0) as {{ dbt.type_bigint() }}) as pool_cents,
        row_number() over (partition by retention_spend_pool_id order by customer_id) as recipient_rank

    from recipients

),

shares as (

    select
        *,
        floor(cast(pool_cents as numeric(38, 0)) / recipient_count) as base_cents

    from in_cents

),

final as (

    select
        cast({{ surrogate_key(['retention_spend_pool_id', 'customer_id']) }} as {{ dbt.type_string() }})
            as retention_spend_allocation_id,
        cast(retention_spend_pool_id as {{ dbt.type_string() }}) as retention_spend_pool_id,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(spend_month as date) as spend_month,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(allocation_basis as {{ dbt.type_string() }}) as allocation_basis,
        cast(recipient_count as {{ dbt.type_int() }}) as recipient_count,
        cast(
            (base_cents + case when recipient_rank <= pool_cents - base_cents * recipient_count then 1 else 0 end) / 100
            as numeric(18, 2)
        ) as allocated_reporting

    from shares

)

select * from final
