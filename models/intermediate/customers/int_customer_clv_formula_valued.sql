{#-
    Historical value and the formula CLV per customer with a purchase, on every
    engine: average order value x purchase rate x margin share x expected
    lifetime (DECISIONLOG "Customer value: CLV"). A purchase is a purchase day
    (same-day revenue orders summed, int_customer_purchase_days). The margin
    share is the customer's own (gross margin / net revenue to date), or the
    company's when the customer's is unknown (a cost not exported, or no
    positive revenue), floored at 0: a customer who so far bought at a loss is
    worth 0, never less. The predicted CLV of fct_customer_clv uses the same share.
-#}
{%- set min_tenure_days = var('clv_formula_min_tenure_days', 90) | int -%}
{%- set lifetime_years = var('clv_formula_lifetime_years', 3) | float -%}
with

purchase_days as (

    select * from {{ ref('int_customer_purchase_days') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

customer_history as (

    select
        customer_id,
        min(purchase_date) as first_purchase_date,
        max(purchase_date) as last_purchase_date,
        count(*) as purchase_days,
        sum(order_count) as order_count,
        sum(net_revenue_reporting) as net_revenue_reporting,
        -- null when any purchase day's margin is unknown: never a partial sum
        case
            when count(gross_margin_reporting) = count(*) then sum(gross_margin_reporting)
        end as gross_margin_reporting

    from purchase_days

    group by customer_id

),

company_margin as (

    -- over the purchase days whose margin is known, so an unexported cost does not lower the share
    select sum(gross_margin_reporting) / nullif(sum(net_revenue_reporting), 0) as company_margin_share

    from purchase_days

    where gross_margin_reporting is not null

),

valued as (

    select
        customer_history.customer_id,
        customer_history.first_purchase_date,
        customer_history.last_purchase_date,
        customer_history.purchase_days,
        customer_history.order_count,
        customer_history.net_revenue_reporting,
        customer_history.gross_margin_reporting,
        case
            when customer_history.net_revenue_reporting > 0
                then customer_history.gross_margin_reporting / customer_history.net_revenue_reporting
        end as customer_margin_share,
        company_margin.company_margin_share,
        {{ dbt.datediff('customer_history.first_purchase_date', 'as_of.as_of_date', 'day') }}
            as tenure_days,
        -- round_money: half away from zero on an exact numeric on every engine (DuckDB divides decimals in
        -- double precision, where round(x, 2) would take 12.345 as 12.3449999 and give 12.34)
        {{ round_money('customer_history.net_revenue_reporting / customer_history.purchase_days') }}
            as average_order_value_reporting

    from customer_history

    cross join as_of

    cross join company_margin

),

rated as (

    select
        *,
        -- a customer who so far bought at a loss is worth 0, never less (DECISIONLOG "Customer value: CLV")
        greatest(coalesce(customer_margin_share, company_margin_share), 0) as margin_share,
        customer_margin_share is null as is_company_margin_share,
        purchase_days * 365.0 / greatest(tenure_days, {{ min_tenure_days }}) as purchase_rate_per_year,
        {{ lifetime_years }} as expected_lifetime_years

    from valued

),

final as (

    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(first_purchase_date as date) as first_purchase_date,
        cast(last_purchase_date as date) as last_purchase_date,
        cast(purchase_days as {{ dbt.type_int() }}) as purchase_days,
        cast(order_count as {{ dbt.type_int() }}) as order_count,
        cast(net_revenue_reporting as numeric(18, 2)) as net_revenue_reporting,
        cast(gross_margin_reporting as numeric(18, 2)) as gross_margin_reporting,
        cast(customer_margin_share as double precision) as customer_margin_share,
        cast(company_margin_share as double precision) as company_margin_share,
        cast(margin_share as double precision) as margin_share,
        cast(is_company_margin_share as {{ dbt.type_boolean() }}) as is_company_margin_share,
        cast(tenure_days as {{ dbt.type_int() }}) as tenure_days,
        cast(average_order_value_reporting as numeric(18, 2)) as average_order_value_reporting,
        cast(purchase_rate_per_year as double precision) as purchase_rate_per_year,
        cast(expected_lifetime_years as double precision) as expected_lifetime_years,
        cast(
            round(
                cast(
                    average_order_value_reporting * purchase_rate_per_year * margin_share * expected_lifetime_years
                    as numeric(38, 6)
                ),
                2
            ) as numeric(18, 2)
        ) as formula_clv_reporting

    from rated

)

select * from final
