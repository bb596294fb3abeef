{#-
    The back-test of the churn risk score: every customer active at the as-of
    date minus var churn_risk_backtest_days, scored with data up to that day
    only (the 'backtest' rows of int_churn_risk_customers_scored, the same SQL
    as fct_churn_risk), then followed to the as-of date: churned = not active
    at the as-of date (no activity period of int_customer_activity_periods
    contains it), the logo churn of METRICS.md over the back-test span. A
    customer who lapses and comes back within the span is not churned.
    One row per customer basis (all; contract: a contract in force at the
    scoring date; purchase: active through purchases only) per band plus
    'all'. The purchase-only customers are shown apart because their churn is
    close to mechanical (one with no purchase for a while is both flagged and
    about to pass the inactivity window); the contract rows are the test of
    the score. churn_rate is the band's precision (the share of its customers
    who churned), churn_recall the share of the basis's churned customers the
    band holds, lift_over_low the band's churn rate over the low band's of the
    same basis (null when that low band churned no one or is empty).
-#}
{%- set bases = [('all', 1), ('contract', 2), ('purchase', 3)] -%}
{%- set bands = [('high', 1), ('medium', 2), ('low', 3), ('all', 4)] -%}
with

scored as (

    select * from {{ ref('int_churn_risk_customers_scored') }}

),

activity_periods as (

    select * from {{ ref('int_customer_activity_periods') }}

),

reference_dates as (

    select * from {{ ref('int_churn_risk_reference_dates') }}

),

backtest_date as (

    select
        reference_date,
        as_of_date

    from reference_dates

    where reference_point = 'backtest'

),

active_at_as_of as (

    select distinct activity_periods.customer_id

    from activity_periods

    inner join backtest_date
        on activity_periods.period_start_date <= backtest_date.as_of_date
        and (activity_periods.period_end_date is null or activity_periods.period_end_date >= backtest_date.as_of_date)

),

followed as (

    select
        scored.customer_id,
        scored.churn_risk_band,
        case when scored.has_contract then 'contract' else 'purchase' end as customer_basis,
        case when active_at_as_of.customer_id is null then 1 else 0 end as is_churned

    from scored

    left join active_at_as_of
        on scored.customer_id = active_at_as_of.customer_id

    where scored.reference_point = 'backtest'

),

bands as (

    {% for band, band_order in bands %}
        {% if not loop.first %}union all{% endif %}
        select
            cast('{{ band }}' as {{ dbt.type_string() }}) as churn_risk_band,
            {{ band_order }} as churn_risk_band_order
    {% endfor %}

),

bases as (

    {% for basis, basis_order in bases %}
        {% if not loop.first %}union all{% endif %}
        select
            cast('{{ basis }}' as {{ dbt.type_string() }}) as customer_basis,
            {{ basis_order }} as customer_basis_order
    {% endfor %}

),

counted as (

    select
        bases.customer_basis,
        bases.customer_basis_order,
        bands.churn_risk_band,
        bands.churn_risk_band_order,
        count(followed.customer_id) as customer_count,
        coalesce(sum(followed.is_churned), 0) as churned_count

    from bases

    cross join bands

    left join followed
        on (bands.churn_risk_band = followed.churn_risk_band or bands.churn_risk_band = 'all')
        and (bases.customer_basis = followed.customer_basis or bases.customer_basis = 'all')

    group by bases.customer_basis, bases.customer_basis_order, bands.churn_risk_band, bands.churn_risk_band_order

),

rated as (

    select
        *,
        cast(churned_count as double precision) / nullif(customer_count, 0) as churn_rate,
        cast(customer_count as double precision)
        / nullif(
            max(case when churn_risk_band = 'all' then customer_count end) over (partition by customer_basis), 0
        ) as customer_share,
        cast(churned_count as double precision)
        / nullif(
            max(case when churn_risk_band = 'all' then churned_count end) over (partition by customer_basis), 0
        ) as churn_recall

    from counted

),

lifted as (

    select
        *,
        churn_rate / nullif(
            max(case when churn_risk_band = 'low' then churn_rate end) over (partition by customer_basis), 0
        ) as lift_over_low

    from rated

),

final as (

    select
        cast(lifted.customer_basis as {{ dbt.type_string() }}) as customer_basis,
        cast(lifted.customer_basis_order as {{ dbt.type_int() }}) as customer_basis_order,
        cast(lifted.churn_risk_band as {{ dbt.type_string() }}) as churn_risk_band,
        cast(lifted.churn_risk_band_order as {{ dbt.type_int() }}) as churn_risk_band_order,
        cast(backtest_date.reference_date as date) as scored_at_date,
        cast(backtest_date.as_of_date as date) as outcome_date,
        cast(lifted.customer_count as {{ dbt.type_int() }}) as customer_count,
        cast(lifted.churned_count as {{ dbt.type_int() }}) as churned_count,
        cast(lifted.churn_rate as double precision) as churn_rate,
        cast(lifted.customer_share as double precision) as customer_share,
        cast(lifted.churn_recall as double precision) as churn_recall,
        cast(lifted.lift_over_low as double precision) as lift_over_low

    from lifted

    cross join backtest_date

)

select * from final
