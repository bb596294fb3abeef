-- Retention spend reconciles: the retention spend to the as-of date that converts
-- into the reporting currency (each spend row at its day's rate, rounded to the
-- cent, recomputed here from staging) = the spend allocated to customers in
-- fct_customer_profitability + the spend left unallocated (and reported) in
-- int_customer_retention_spend_pooled; and every pool's shares add up to the pool.
-- Returns a row per difference.
with

campaigns as (

    select * from {{ ref('stg_crm__campaigns') }}

),

marketing_spend as (

    select * from {{ ref('stg_crm__marketing_spend') }}

),

fx_rates_daily as (

    select * from {{ ref('int_fx_rates_daily') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

profitability as (

    select * from {{ ref('fct_customer_profitability') }}

),

pools as (

    select * from {{ ref('int_customer_retention_spend_pooled') }}

),

allocations as (

    select * from {{ ref('int_customer_retention_spend_allocated') }}

),

spent as (

    select coalesce(sum({{ round_money('marketing_spend.spend_amount * fx_rates_daily.rate_to_reporting') }}), 0) as amount

    from marketing_spend

    inner join campaigns
        on marketing_spend.campaign_id = campaigns.campaign_id

    inner join as_of
        on marketing_spend.spend_date <= as_of.as_of_date

    inner join fx_rates_daily
        on marketing_spend.currency_code = fx_rates_daily.currency_code
        and marketing_spend.spend_date = fx_rates_daily.rate_date

    where campaigns.objective = 'retention'

),

allocated as (

    select coalesce(sum(retention_spend_reporting), 0) as amount

    from profitability

),

unallocated as (

    select coalesce(sum(unallocated_reporting), 0) as amount

    from pools

),

totals as (

    select
        'total' as checked_item,
        spent.amount as expected_amount,
        allocated.amount + unallocated.amount as found_amount

    from spent

    cross join allocated

    cross join unallocated

),

pool_shares as (

    select
        pools.retention_spend_pool_id as checked_item,
        pools.allocated_reporting as expected_amount,
        coalesce(sum(allocations.allocated_reporting), 0) as found_amount

    from pools

    left join allocations
        on pools.retention_spend_pool_id = allocations.retention_spend_pool_id

    group by pools.retention_spend_pool_id, pools.allocated_reporting

),

differences as (

    select * from totals

    where expected_amount <> found_amount

    union all

    select * from pool_shares

    where expected_amount <> found_amount

)

select * from differences
