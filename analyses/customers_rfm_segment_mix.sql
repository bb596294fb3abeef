-- How do customers and revenue split across the RFM segments? Every segment,
-- champions first, with its customers, revenue, shares and averages.
with

segments as (

    select * from {{ ref('rpt_rfm_segments') }}

)

select
    rfm_segment,
    customer_count,
    customer_share,
    revenue_reporting,
    revenue_share,
    avg_recency_days,
    avg_frequency,
    avg_monetary_reporting

from segments
order by segment_order asc
