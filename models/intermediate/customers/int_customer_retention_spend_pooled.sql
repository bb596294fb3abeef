{#-
    Retention spend, pooled for allocation. Grain: one row per retention
    campaign (objective retention) per calendar month with spend on or before
    the as-of date. Each spend row is in the reporting currency as
    int_marketing_spend_converted converts it (at its spend date's rate, rounded
    to the cent); a row without a fresh rate is counted, not valued.
    Allocation basis of a pool: the customers the campaign reached
    (int_customer_retention_campaigns_reached), over the campaign's life to the
    as-of date; when the campaign reached nobody, the customers
    active in the spend month (at least one purchase day in it,
    int_customer_purchase_days, as rpt_cohort_retention counts active); when
    there are none either, the pool is unallocated and reported here.
-#}
with

campaigns as (

    select * from {{ ref('stg_crm__campaigns') }}

),

marketing_spend as (

    select * from {{ ref('int_marketing_spend_converted') }}

),

reached_customers as (

    select * from {{ ref('int_customer_retention_campaigns_reached') }}

),

purchase_days as (

    select * from {{ ref('int_customer_purchase_days') }}

),

retention_spend as (

    select
        marketing_spend.campaign_id,
        marketing_spend.spend_month,
        marketing_spend.is_converted,
        marketing_spend.spend_reporting

    from marketing_spend

    inner join campaigns
        on marketing_spend.campaign_id = campaigns.campaign_id

    where campaigns.objective = 'retention'

),

pools as (

    select
        campaign_id,
        spend_month,
        count(*) as spend_row_count,
        sum(case when is_converted then 0 else 1 end) as unconverted_spend_row_count,
        coalesce(sum(spend_reporting), 0) as spend_reporting

    from retention_spend

    group by campaign_id, spend_month

),

reached as (

    select
        campaign_id,
        count(*) as reached_customer_count

    from reached_customers

    group by campaign_id

),

active as (

    select
        cast({{ dbt.date_trunc('month', 'purchase_date') }} as date) as activity_month,
        count(distinct customer_id) as active_customer_count

    from purchase_days

    group by cast({{ dbt.date_trunc('month', 'purchase_date') }} as date)

),

based as (

    select
        pools.campaign_id,
        pools.spend_month,
        pools.spend_row_count,
        pools.unconverted_spend_row_count,
        pools.spend_reporting,
        coalesce(reached.reached_customer_count, 0) as reached_customer_count,
        coalesce(active.active_customer_count, 0) as active_customer_count,
        case
            when reached.reached_customer_count > 0 then 'reached_customers'
            when active.active_customer_count > 0 then 'active_customers'
            else 'unallocated'
        end as allocation_basis

    from pools

    left join reached
        on pools.campaign_id = reached.campaign_id

    left join active
        on pools.spend_month = active.activity_month

),

final as (

    select
        cast({{ surrogate_key(['campaign_id', 'spend_month']) }} as {{ dbt.type_string() }}) as retention_spend_pool_id,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(spend_month as date) as spend_month,
        cast(spend_row_count as {{ dbt.type_int() }}) as spend_row_count,
        cast(unconverted_spend_row_count as {{ dbt.type_int() }}) as unconverted_spend_row_count,
        cast(spend_reporting as numeric(18, 2)) as spend_reporting,
        cast(reached_customer_count as {{ dbt.type_int() }}) as reached_customer_count,
        cast(active_customer_count as {{ dbt.type_int() }}) as active_customer_count,
        cast(allocation_basis as {{ dbt.type_string() }}) as allocation_basis,
        cast(
            case
                when allocation_basis = 'reached_customers' then reached_customer_count
                when allocation_basis = 'active_customers' then active_customer_count
                else 0
            end
            as {{ dbt.type_int() }}
        ) as recipient_count,
        cast(case when allocation_basis = 'unallocated' then 0 else spend_reporting end as numeric(18, 2))
            as allocated_reporting,
        cast(case when allocation_basis = 'unallocated' then spend_reporting else 0 end as numeric(18, 2))
            as unallocated_reporting

    from based

)

select * from final
