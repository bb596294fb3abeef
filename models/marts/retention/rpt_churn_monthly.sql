{#-
    Logo and revenue churn per month, overall and by segment, country,
    acquisition channel and plan (long layout: breakdown_dimension /
    breakdown_value). Grain: one row per month per breakdown value; 'all' has a
    row for every month of int_retention_months_spined, the other dimensions a
    row per value with at least one customer active at the start of the month.
    Segment, country and channel are dim_customers' (as now); plan is the plan
    of the customer's largest contract at the start of the month
    (fct_customer_months.plan_at_start; 'no_contract' without one); a missing
    value is 'unknown'. Customers at start = active at the previous month end;
    churned = active at start, not at the month end. Revenue: the MRR movements
    of fct_customer_months (churned = MRR to 0, contraction, expansion);
    reactivation and new MRR are not retention and are left out.
-#}
with

customer_months as (

    select * from {{ ref('fct_customer_months') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

months as (

    select * from {{ ref('int_retention_months_spined') }}

),

at_start as (

    select
        customer_months.month_start_date,
        customer_months.is_churned,
        customer_months.mrr_movement,
        customer_months.mrr_at_start_reporting,
        customer_months.mrr_reporting,
        coalesce(customer_months.plan_at_start, 'no_contract') as plan_at_start,
        coalesce(customers.segment, 'unknown') as segment,
        coalesce(customers.country_code, 'unknown') as country_code,
        coalesce(customers.acquisition_channel, 'unknown') as acquisition_channel

    from customer_months

    left join customers
        on customer_months.customer_id = customers.customer_id

    where customer_months.is_active_at_start

),

breakdowns as (

    {% for dimension, column in [
        ('all', "'all'"),
        ('segment', 'segment'),
        ('country', 'country_code'),
        ('acquisition_channel', 'acquisition_channel'),
        ('plan', 'plan_at_start'),
    ] %}
        {% if not loop.first %}union all{% endif %}
        select
            month_start_date,
            cast('{{ dimension }}' as {{ dbt.type_string() }}) as breakdown_dimension,
            cast({{ column }} as {{ dbt.type_string() }}) as breakdown_value,
            is_churned,
            mrr_movement,
            mrr_at_start_reporting,
            mrr_reporting

        from at_start
    {% endfor %}

),

aggregated as (

    select
        month_start_date,
        breakdown_dimension,
        breakdown_value,
        count(*) as customers_at_start_count,
        sum(case when is_churned then 1 else 0 end) as churned_customer_count,
        sum(mrr_at_start_reporting) as starting_mrr_reporting,
        sum(case when mrr_movement = 'churned' then mrr_at_start_reporting else 0 end) as churned_mrr_reporting,
        sum(case when mrr_movement = 'contraction' then mrr_at_start_reporting - mrr_reporting else 0 end)
            as contraction_mrr_reporting,
        sum(case when mrr_movement = 'expansion' then mrr_reporting - mrr_at_start_reporting else 0 end)
            as expansion_mrr_reporting

    from breakdowns

    group by month_start_date, breakdown_dimension, breakdown_value

),

-- every month has its 'all' row, also when nobody was active at its start
grid as (

    select
        month_start_date,
        cast('all' as {{ dbt.type_string() }}) as breakdown_dimension,
        cast('all' as {{ dbt.type_string() }}) as breakdown_value

    from months

    union all

    select
        month_start_date,
        breakdown_dimension,
        breakdown_value

    from aggregated

    where breakdown_dimension <> 'all'

),

counted as (

    select
        grid.month_start_date,
        months.month_end_date,
        months.is_partial_month,
        grid.breakdown_dimension,
        grid.breakdown_value,
        coalesce(aggregated.customers_at_start_count, 0) as customers_at_start_count,
        coalesce(aggregated.churned_customer_count, 0) as churned_customer_count,
        coalesce(aggregated.starting_mrr_reporting, 0) as starting_mrr_reporting,
        coalesce(aggregated.churned_mrr_reporting, 0) as churned_mrr_reporting,
        coalesce(aggregated.contraction_mrr_reporting, 0) as contraction_mrr_reporting,
        coalesce(aggregated.expansion_mrr_reporting, 0) as expansion_mrr_reporting

    from grid

    inner join months
        on grid.month_start_date = months.month_start_date

    left join aggregated
        on grid.month_start_date = aggregated.month_start_date
        and grid.breakdown_dimension = aggregated.breakdown_dimension
        and grid.breakdown_value = aggregated.breakdown_value

),

final as (

    select
        cast({{ surrogate_key(['month_start_date', 'breakdown_dimension', 'breakdown_value']) }} as {{ dbt.type_string() }})
            as churn_month_id,
        cast(month_start_date as date) as month_start_date,
        cast(month_end_date as date) as month_end_date,
        cast(is_partial_month as {{ dbt.type_boolean() }}) as is_partial_month,
        cast(breakdown_dimension as {{ dbt.type_string() }}) as breakdown_dimension,
        cast(breakdown_value as {{ dbt.type_string() }}) as breakdown_value,
        cast(customers_at_start_count as {{ dbt.type_int() }}) as customers_at_start_count,
        cast(churned_customer_count as {{ dbt.type_int() }}) as churned_customer_count,
        cast(
            cast(churned_customer_count as double precision) / nullif(customers_at_start_count, 0)
            as double precision
        ) as logo_churn_rate,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        cast(starting_mrr_reporting as numeric(18, 2)) as starting_mrr_reporting,
        cast(churned_mrr_reporting as numeric(18, 2)) as churned_mrr_reporting,
        cast(contraction_mrr_reporting as numeric(18, 2)) as contraction_mrr_reporting,
        cast(expansion_mrr_reporting as numeric(18, 2)) as expansion_mrr_reporting,
        cast(
            cast(churned_mrr_reporting + contraction_mrr_reporting as double precision)
            / nullif(cast(starting_mrr_reporting as double precision), 0)
            as double precision
        ) as revenue_churn_rate,
        cast(
            cast(starting_mrr_reporting - churned_mrr_reporting - contraction_mrr_reporting as double precision)
            / nullif(cast(starting_mrr_reporting as double precision), 0)
            as double precision
        ) as gross_revenue_retention_rate,
        cast(
            cast(
                starting_mrr_reporting - churned_mrr_reporting - contraction_mrr_reporting + expansion_mrr_reporting
                as double precision
            )
            / nullif(cast(starting_mrr_reporting as double precision), 0)
            as double precision
        ) as net_revenue_retention_rate

    from counted

)

select * from final
