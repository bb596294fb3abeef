{#-
    The open pipeline at every month end: one row per opportunity per month at
    whose end it was open, from the month it was created to the as-of month.
    Month end: the month's last day, or the as-of date in the as-of month (later
    history is not known yet). Open at a month end: created on or before it and
    not closed by then (no actual close date on or before it; the export's close
    date decides, so a deal closed after a back-dated as-of date is still open).
    Stage at the month end: the latest open-stage history entry entered on or
    before that day (ties on entered_at broken by stage_history_id, as in
    int_opportunity_stages_ordered); when the history has none, the deal's current
    stage if it is an open stage, else lead (every deal enters the funnel at lead).
    Amount: the export's amount (an export keeps no amount history) converted at
    the month end's rate (the value of the pipeline on that day); weighted with the
    seed probability of the month-end stage. Owner and team: the current ones.
-#}
with

opportunities as (

    select * from {{ ref('int_opportunities_enriched') }}

),

stage_entries as (

    select * from {{ ref('int_opportunity_stages_ordered') }}

),

stage_probabilities as (

    select * from {{ ref('stage_probabilities') }}

),

fx_rates_daily as (

    select * from {{ ref('int_fx_rates_daily') }}

),

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

opportunities_as_of as (

    select
        opportunity_id,
        owner_rep_id,
        owner_team,
        stage_name as current_stage_name,
        is_closed,
        actual_close_date,
        expected_close_date,
        currency_code,
        amount,
        created_date

    from opportunities

),

calendar as (

    {{ month_spine(
        '(select min(opportunities_as_of.created_date) from opportunities_as_of)',
        '(select max(as_of.as_of_date) from as_of)'
    ) | indent(4) }}

),

month_ends as (

    select
        month_start_date as month_start,
        month_end_date

    from calendar

),

open_at_month_end as (

    select
        opportunities_as_of.*,
        month_ends.month_start,
        month_ends.month_end_date

    from opportunities_as_of

    inner join month_ends
        on opportunities_as_of.created_date <= month_ends.month_end_date

    where
        not opportunities_as_of.is_closed
        or opportunities_as_of.actual_close_date is null
        or opportunities_as_of.actual_close_date > month_ends.month_end_date

),

open_stage_entries as (

    select
        stage_entries.opportunity_id,
        stage_entries.stage_history_id,
        stage_entries.stage_name,
        stage_entries.entered_at,
        cast(stage_entries.entered_at as date) as entered_date

    from stage_entries

    where stage_entries.stage_name not in ('closed_won', 'closed_lost')

),

entries_by_month_end as (

    select
        open_at_month_end.opportunity_id,
        open_at_month_end.month_end_date,
        open_stage_entries.stage_name,
        row_number() over (
            partition by open_at_month_end.opportunity_id, open_at_month_end.month_end_date
            order by open_stage_entries.entered_at desc, open_stage_entries.stage_history_id desc
        ) as recency_rank

    from open_at_month_end

    inner join open_stage_entries
        on open_at_month_end.opportunity_id = open_stage_entries.opportunity_id
        and open_at_month_end.month_end_date >= open_stage_entries.entered_date

),

staged as (

    select
        open_at_month_end.*,
        coalesce(
            entries_by_month_end.stage_name,
            case
                when not open_at_month_end.is_closed then open_at_month_end.current_stage_name
                else 'lead'
            end
        ) as stage_name

    from open_at_month_end

    left join entries_by_month_end
        on open_at_month_end.opportunity_id = entries_by_month_end.opportunity_id
        and open_at_month_end.month_end_date = entries_by_month_end.month_end_date
        and entries_by_month_end.recency_rank = 1

),

valued as (

    select
        staged.opportunity_id,
        staged.owner_rep_id,
        staged.owner_team,
        staged.month_start,
        staged.month_end_date,
        staged.created_date,
        staged.expected_close_date,
        staged.stage_name,
        cast(stage_probabilities.stage_order as {{ dbt.type_int() }}) as stage_order,
        cast(stage_probabilities.win_probability as double precision) as stage_probability,
        staged.currency_code,
        staged.amount,
        fx_rates_daily.rate_to_reporting as fx_rate_to_reporting,
        {{ round_money('staged.amount * fx_rates_daily.rate_to_reporting') }} as amount_reporting

    from staged

    inner join stage_probabilities
        on staged.stage_name = stage_probabilities.stage_name

    left join fx_rates_daily
        on staged.currency_code = fx_rates_daily.currency_code
        and staged.month_end_date = fx_rates_daily.rate_date

),

final as (

    select
        {{ surrogate_key(['opportunity_id', 'month_start']) }} as opportunity_month_end_id,
        opportunity_id,
        owner_rep_id,
        owner_team,
        month_start,
        month_end_date,
        created_date,
        expected_close_date,
        stage_name,
        stage_order,
        stage_probability,
        currency_code,
        amount,
        fx_rate_to_reporting,
        amount_reporting,
        {{ round_money('amount_reporting * stage_probability') }} as weighted_amount_reporting

    from valued

)

select * from final
