-- How did deals change from build to build? Every version of the opportunities
-- whose stage, amount, owner or expected close date changed (snap_opportunities),
-- oldest version first.
with

versions as (

    select * from {{ ref('snap_opportunities') }}

),

changed as (

    select opportunity_id

    from versions

    group by opportunity_id

    having count(*) > 1

),

history as (

    select
        versions.opportunity_id,
        versions.stage_name,
        versions.amount,
        versions.currency_code,
        versions.owner_rep_id,
        versions.expected_close_date,
        versions.dbt_valid_from,
        versions.dbt_valid_to

    from versions

    inner join changed
        on versions.opportunity_id = changed.opportunity_id

)

select * from history
order by opportunity_id asc, dbt_valid_from asc
