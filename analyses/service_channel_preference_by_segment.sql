-- How do customers prefer to be reached: customers per preferred channel within each customer
-- segment, with the share of the segment's contacted customers and how many were a tie.
-- Compile with `dbt compile -s service_channel_preference_by_segment` and run the SQL in target/compiled.
with

preferences as (

    select * from {{ ref('rpt_channel_preference') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

per_segment as (

    select
        coalesce(customers.segment, 'unknown') as segment,
        preferences.preferred_channel,
        count(*) as customer_count,
        sum(case when preferences.is_preferred_channel_tied then 1 else 0 end) as tied_customer_count,
        avg(preferences.preferred_channel_share) as average_preferred_channel_share

    from preferences

    inner join customers
        on preferences.customer_id = customers.customer_id

    where preferences.preferred_channel is not null

    group by coalesce(customers.segment, 'unknown'), preferences.preferred_channel

),

shares as (

    select
        *,
        cast(customer_count as double precision)
        / sum(customer_count) over (partition by segment) as share_of_segment

    from per_segment

)

select * from shares
order by segment asc, customer_count desc, preferred_channel asc
