-- Which contracts renew? Renewal rate by plan over the last twelve months of contract ends.
with

renewals as (

    select * from {{ ref('rpt_renewals') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

recent as (

    select
        renewals.breakdown_value as plan,
        sum(renewals.reached_count) as reached_count,
        sum(renewals.renewed_count) as renewed_count,
        sum(renewals.churned_count) as churned_count,
        sum(renewals.pending_count) as pending_count

    from renewals

    cross join as_of

    where
        renewals.breakdown_dimension = 'plan'
        and renewals.renewal_month > {{ dbt.dateadd('month', -12, 'as_of.as_of_date') }}

    group by renewals.breakdown_value

)

select
    *,
    cast(renewed_count as double precision) / nullif(renewed_count + churned_count, 0) as renewal_rate

from recent
order by plan
