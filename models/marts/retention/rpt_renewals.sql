{#-
    Renewals by month of contract end (int_renewals_matched), overall, by plan
    and by customer segment, in long layout. Renewal rate = renewed / (renewed
    + churned): contracts still pending (the rule's window open at the as-of
    date) are left out of the rate until decided; null when nothing is decided.
-#}
{%- set breakdowns = [
    ('all', "cast('all' as " ~ dbt.type_string() ~ ")"),
    ('plan', "coalesce(plan, 'unknown')"),
    ('segment', "coalesce(segment, 'unknown')"),
] -%}
with

renewals as (

    select * from {{ ref('int_renewals_matched') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

segmented as (

    select
        renewals.*,
        customers.segment

    from renewals

    left join customers
        on renewals.customer_id = customers.customer_id

),

counted as (

    {% for dimension, value_expression in breakdowns %}
        {% if not loop.first %}union all{% endif %}
        select
            renewal_month,
            cast('{{ dimension }}' as {{ dbt.type_string() }}) as breakdown_dimension,
            {{ value_expression }} as breakdown_value,
            count(*) as reached_count,
            sum(case when renewal_outcome = 'renewed' then 1 else 0 end) as renewed_count,
            sum(case when renewal_match = 'named' then 1 else 0 end) as named_renewal_count,
            sum(case when renewal_match = 'rule' then 1 else 0 end) as rule_renewal_count,
            sum(case when renewal_outcome = 'churned' then 1 else 0 end) as churned_count,
            sum(case when renewal_outcome = 'pending' then 1 else 0 end) as pending_count

        from segmented

        group by 1, 2, 3
    {% endfor %}

),

final as (

    select
        {{ surrogate_key(['renewal_month', 'breakdown_dimension', 'breakdown_value']) }} as renewal_month_key,
        cast(renewal_month as date) as renewal_month,
        cast(breakdown_dimension as {{ dbt.type_string() }}) as breakdown_dimension,
        cast(breakdown_value as {{ dbt.type_string() }}) as breakdown_value,
        cast(reached_count as {{ dbt.type_int() }}) as reached_count,
        cast(renewed_count as {{ dbt.type_int() }}) as renewed_count,
        cast(named_renewal_count as {{ dbt.type_int() }}) as named_renewal_count,
        cast(rule_renewal_count as {{ dbt.type_int() }}) as rule_renewal_count,
        cast(churned_count as {{ dbt.type_int() }}) as churned_count,
        cast(pending_count as {{ dbt.type_int() }}) as pending_count,
        cast(renewed_count as double precision) / nullif(renewed_count + churned_count, 0) as renewal_rate

    from counted

)

select * from final
