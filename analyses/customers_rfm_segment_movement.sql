-- Where did each segment's customers go? The movement matrix from the segment
-- rfm_movement_days before the as-of date to the segment at the as-of date,
-- largest flows out of each previous segment first (not_a_customer: new
-- customers since then).
with

movement as (

    select * from {{ ref('rpt_rfm_segment_movement') }}

)

select
    previous_rfm_segment,
    rfm_segment,
    customer_count,
    previous_segment_customer_count,
    previous_segment_share,
    is_same_segment

from movement
order by previous_rfm_segment asc, customer_count desc, rfm_segment asc
