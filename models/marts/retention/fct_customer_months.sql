{#-
    One row per customer per calendar month, measured at the month end (the as-of
    date in the as-of month), from the month of the customer's first activity
    period to the month the customer shows as churned: the month holding the day
    after their last active day (capped at the as-of month; no rows after it).
    Months in a gap stay as inactive rows. Activity is read from
    int_customer_activity_periods only: active at the month end when a period
    contains it, basis contract when a contract period does, else purchase.
    MRR = the contract periods in force at the month end, each converted at the
    rate of its start date (its transaction date, int_fx_rates_daily) and rounded
    to the cent, summed, so a contract keeps one value while it runs and a rate
    move alone is never a movement; a contract without a fresh rate on its start
    date is counted (unconverted_contract_count), not valued. MRR movement against the previous month end (0 before the first row):
    new (first MRR ever), reactivation (back from 0 after earlier MRR), churned
    (to 0), expansion, contraction, unchanged; null when both are 0.
-#}
with

activity_periods as (

    select * from {{ ref('int_customer_activity_periods') }}

),

months as (

    select * from {{ ref('int_retention_months_spined') }}

),

fx_rates_daily as (

    select * from {{ ref('int_fx_rates_daily') }}

),

purchase_days as (

    select * from {{ ref('int_customer_purchase_days') }}

),

support_tickets as (

    select * from {{ ref('stg_crm__support_tickets') }}

),

survey_responses as (

    select * from {{ ref('stg_crm__survey_responses') }}

),

as_of_month as (

    select
        max(month_start_date) as month_start_date,
        max(month_end_date) as as_of_date

    from months

),

-- each period's last active day known at the as-of date (an open or later end counts to the as-of date)
capped_periods as (

    select
        activity_periods.customer_id,
        activity_periods.period_start_date,
        case
            when activity_periods.period_end_date is null then as_of_month.as_of_date
            when activity_periods.period_end_date > as_of_month.as_of_date then as_of_month.as_of_date
            else activity_periods.period_end_date
        end as active_until_date

    from activity_periods

    cross join as_of_month

),

customer_bounds as (

    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'min(period_start_date)') }} as date) as first_activity_month,
        -- the month the customer shows as churned: the month holding the day after the last active day
        cast({{ dbt.date_trunc('month', dbt.dateadd('day', 1, 'max(active_until_date)')) }} as date) as churned_month

    from capped_periods

    group by customer_id

),

customer_spans as (

    select
        customer_bounds.customer_id,
        customer_bounds.first_activity_month,
        case
            when customer_bounds.churned_month > as_of_month.month_start_date then as_of_month.month_start_date
            else customer_bounds.churned_month
        end as last_row_month

    from customer_bounds

    cross join as_of_month

),

customer_months as (

    select
        customer_spans.customer_id,
        months.month_start_date,
        months.month_end_date,
        months.is_partial_month

    from customer_spans

    inner join months
        on customer_spans.first_activity_month <= months.month_start_date
        and customer_spans.last_row_month >= months.month_start_date

),

-- every activity period in force at a month end, contracts valued at their start date's rate
periods_in_force as (

    select
        customer_months.customer_id,
        customer_months.month_start_date,
        activity_periods.activity_basis,
        activity_periods.subscription_id,
        activity_periods.plan,
        fx_rates_daily.rate_to_reporting is null as is_unconverted,
        {{ round_money('activity_periods.mrr * fx_rates_daily.rate_to_reporting') }} as mrr_reporting

    from customer_months

    inner join activity_periods
        on customer_months.customer_id = activity_periods.customer_id
        and customer_months.month_end_date >= activity_periods.period_start_date
        and (
            activity_periods.period_end_date is null
            or customer_months.month_end_date <= activity_periods.period_end_date
        )

    left join fx_rates_daily
        on activity_periods.currency_code = fx_rates_daily.currency_code
        and activity_periods.period_start_date = fx_rates_daily.rate_date

),

month_end_states as (

    select
        customer_id,
        month_start_date,
        max(case when activity_basis = 'contract' then 1 else 0 end) as has_contract,
        coalesce(sum(case when activity_basis = 'contract' then mrr_reporting end), 0) as mrr_reporting,
        sum(case when activity_basis = 'contract' and is_unconverted then 1 else 0 end) as unconverted_contract_count

    from periods_in_force

    group by customer_id, month_start_date

),

contracts_ranked as (

    select
        customer_id,
        month_start_date,
        plan,
        row_number() over (
            partition by customer_id, month_start_date
            order by mrr_reporting desc nulls last, subscription_id asc
        ) as contract_rank

    from periods_in_force

    where activity_basis = 'contract'

),

largest_contracts as (

    select
        customer_id,
        month_start_date,
        plan

    from contracts_ranked

    where contract_rank = 1

),

purchase_months as (

    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'purchase_date') }} as date) as month_start_date,
        sum(order_count) as order_count,
        sum(net_revenue_reporting) as net_revenue_reporting

    from purchase_days

    group by customer_id, cast({{ dbt.date_trunc('month', 'purchase_date') }} as date)

),

ticket_months as (

    select
        support_tickets.customer_id,
        cast({{ dbt.date_trunc('month', 'cast(support_tickets.created_at as date)') }} as date) as month_start_date,
        count(*) as ticket_count

    from support_tickets

    inner join as_of_month
        on cast(support_tickets.created_at as date) <= as_of_month.as_of_date

    group by support_tickets.customer_id, cast({{ dbt.date_trunc('month', 'cast(support_tickets.created_at as date)') }} as date)

),

-- each NPS answer is the latest known from its day until the day of the customer's next one
nps_answers as (

    select
        customer_id,
        score,
        cast(responded_at as date) as responded_date,
        lead(cast(responded_at as date)) over (
            partition by customer_id
            order by responded_at, response_id
        ) as next_responded_date

    from survey_responses

    where survey_type = 'nps'

),

latest_nps as (

    select
        customer_months.customer_id,
        customer_months.month_start_date,
        nps_answers.score as latest_nps_score

    from customer_months

    inner join nps_answers
        on customer_months.customer_id = nps_answers.customer_id
        and customer_months.month_end_date >= nps_answers.responded_date
        and (
            nps_answers.next_responded_date is null
            or customer_months.month_end_date < nps_answers.next_responded_date
        )

),

states as (

    select
        customer_months.customer_id,
        customer_months.month_start_date,
        customer_months.month_end_date,
        customer_months.is_partial_month,
        month_end_states.customer_id is not null as is_active,
        case
            when month_end_states.has_contract = 1 then 'contract'
            when month_end_states.customer_id is not null then 'purchase'
        end as activity_basis,
        coalesce(month_end_states.mrr_reporting, 0) as mrr_reporting,
        coalesce(month_end_states.unconverted_contract_count, 0) as unconverted_contract_count,
        largest_contracts.plan,
        coalesce(purchase_months.order_count, 0) as order_count,
        coalesce(purchase_months.net_revenue_reporting, 0) as net_revenue_reporting,
        coalesce(ticket_months.ticket_count, 0) as ticket_count,
        latest_nps.latest_nps_score

    from customer_months

    left join month_end_states
        on customer_months.customer_id = month_end_states.customer_id
        and customer_months.month_start_date = month_end_states.month_start_date

    left join largest_contracts
        on customer_months.customer_id = largest_contracts.customer_id
        and customer_months.month_start_date = largest_contracts.month_start_date

    left join purchase_months
        on customer_months.customer_id = purchase_months.customer_id
        and customer_months.month_start_date = purchase_months.month_start_date

    left join ticket_months
        on customer_months.customer_id = ticket_months.customer_id
        and customer_months.month_start_date = ticket_months.month_start_date

    left join latest_nps
        on customer_months.customer_id = latest_nps.customer_id
        and customer_months.month_start_date = latest_nps.month_start_date

),

histories as (

    select
        *,
        coalesce(
            lag(is_active) over (partition by customer_id order by month_start_date), false
        ) as is_active_at_start,
        coalesce(
            lag(mrr_reporting) over (partition by customer_id order by month_start_date), 0
        ) as previous_mrr_reporting,
        lag(plan) over (partition by customer_id order by month_start_date) as plan_at_start,
        coalesce(
            max(case when is_active then 1 else 0 end) over (
                partition by customer_id
                order by month_start_date
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as was_active_before,
        coalesce(
            max(case when mrr_reporting > 0 then 1 else 0 end) over (
                partition by customer_id
                order by month_start_date
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as had_mrr_before

    from states

),

final as (

    select
        cast({{ surrogate_key(['customer_id', 'month_start_date']) }} as {{ dbt.type_string() }}) as customer_month_id,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(month_start_date as date) as month_start_date,
        cast(month_end_date as date) as month_end_date,
        cast(is_partial_month as {{ dbt.type_boolean() }}) as is_partial_month,
        cast(is_active_at_start as {{ dbt.type_boolean() }}) as is_active_at_start,
        cast(is_active as {{ dbt.type_boolean() }}) as is_active,
        cast(activity_basis as {{ dbt.type_string() }}) as activity_basis,
        cast(is_active and was_active_before = 0 as {{ dbt.type_boolean() }}) as is_new,
        cast(is_active_at_start and not is_active as {{ dbt.type_boolean() }}) as is_churned,
        cast(is_active and not is_active_at_start and was_active_before = 1 as {{ dbt.type_boolean() }})
            as is_reactivated,
        cast('{{ reporting_currency() }}' as {{ dbt.type_string() }}) as reporting_currency_code,
        cast(previous_mrr_reporting as numeric(18, 2)) as mrr_at_start_reporting,
        cast(mrr_reporting as numeric(18, 2)) as mrr_reporting,
        cast(unconverted_contract_count as {{ dbt.type_int() }}) as unconverted_contract_count,
        cast(
            case
                when previous_mrr_reporting = 0 and mrr_reporting > 0 and had_mrr_before = 0 then 'new'
                when previous_mrr_reporting = 0 and mrr_reporting > 0 then 'reactivation'
                when previous_mrr_reporting > 0 and mrr_reporting = 0 then 'churned'
                when mrr_reporting > previous_mrr_reporting then 'expansion'
                when mrr_reporting < previous_mrr_reporting then 'contraction'
                when previous_mrr_reporting > 0 then 'unchanged'
            end
            as {{ dbt.type_string() }}
        ) as mrr_movement,
        cast(plan_at_start as {{ dbt.type_string() }}) as plan_at_start,
        cast(plan as {{ dbt.type_string() }}) as plan,
        cast(order_count as {{ dbt.type_int() }}) as order_count,
        cast(net_revenue_reporting as numeric(18, 2)) as net_revenue_reporting,
        cast(ticket_count as {{ dbt.type_int() }}) as ticket_count,
        cast(latest_nps_score as {{ dbt.type_int() }}) as latest_nps_score

    from histories

)

select * from final
