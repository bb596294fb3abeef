-- Who wins, by lead source? Win rate by count and by amount (closed deals only,
-- reporting currency) and the average and median sales cycle of won deals.
with

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

closed as (

    select
        lead_source,
        count(*) as closed_count,
        sum(case when is_won then 1 else 0 end) as won_count,
        sum(amount_reporting) as closed_amount_reporting,
        sum(case when is_won then amount_reporting else 0 end) as won_amount_reporting,
        avg(case when is_won then sales_cycle_days end) as average_won_cycle_days,
        {{ median('case when is_won then sales_cycle_days end') }} as median_won_cycle_days

    from opportunities

    where is_closed

    group by lead_source

),

rates as (

    select
        lead_source,
        closed_count,
        won_count,
        cast(won_count as double precision) / nullif(closed_count, 0) as win_rate_by_count,
        won_amount_reporting / nullif(closed_amount_reporting, 0) as win_rate_by_amount,
        average_won_cycle_days,
        median_won_cycle_days

    from closed

)

select * from rates
order by lead_source asc
