{#-
    Every raw row that staging did not accept, from every base model, with the
    reason. The list of base models is the contract's table list: a table
    missing here fails the reconciliation test rows_reconcile_with_raw.
-#}
{#- one line per raw table; keep in contract order -#}
{%- set raw_tables = [
    'customers',
    'products',
    'sales_reps',
    'quotas',
    'campaigns',
    'leads',
    'opportunities',
    'opportunity_stage_history',
    'orders',
    'order_items',
    'subscriptions',
    'support_tickets',
    'survey_responses',
    'marketing_spend',
    'web_sessions',
    'email_events',
    'activities',
    'crm_logins',
    'lead_pool_events',
    'loyalty_points',
    'fx_rates',
] -%}
with

unioned as (

    {% for raw_table in raw_tables %}
        {% if not loop.first %}union all{% endif %}
        select
            '{{ raw_table }}' as source_table,
            raw_key,
            rejection_reason as reason_code,
            rejection_column as reason_column,
            raw_values,
            raw_row_hash
        from {{ ref('base_crm__' ~ raw_table) }}
        where rejection_reason is not null
    {% endfor %}

),

numbered as (

    select
        *,
        row_number() over (
            partition by source_table, raw_row_hash
            order by reason_code
        ) as copy_number

    from unioned

),

final as (

    select
        {{ surrogate_key(['source_table', 'raw_row_hash', 'copy_number']) }} as rejection_id,
        source_table,
        raw_key,
        reason_code,
        reason_column,
        raw_values

    from numbered

)

select * from final
