-- Which products leave customers unhappy: survey answers linked to a ticket, per product, with
-- NPS detractors, CSAT not satisfied and CES high effort counted, over the last 12 months.
-- Compile with `dbt compile -s service_survey_detractors_by_product` and run the SQL in target/compiled.
with

responses as (

    select * from {{ ref('fct_survey_responses') }}

),

products as (

    select * from {{ ref('dim_products') }}

),

recent as (

    select *

    from responses

    where response_month_start_date >= (
        select {{ dbt.dateadd('month', -12, 'max(latest.response_month_start_date)') }}
        from responses as latest
    )

),

per_product as (

    select
        recent.product_id,
        products.product_name,
        count(*) as response_count,
        sum(case when recent.response_band = 'detractor' then 1 else 0 end) as nps_detractor_count,
        sum(case when recent.response_band = 'not_satisfied' then 1 else 0 end) as csat_not_satisfied_count,
        sum(case when recent.response_band = 'high_effort' then 1 else 0 end) as ces_high_effort_count

    from recent

    left join products
        on recent.product_id = products.product_id

    where recent.product_id is not null

    group by recent.product_id, products.product_name

)

select * from per_product
order by nps_detractor_count + csat_not_satisfied_count + ces_high_effort_count desc, product_id asc
