{#-
    fx_quote_is_fresh(quote_date, on_date): a SQL condition, true when an fx
    quote published on quote_date may convert an amount dated on_date: the quote
    is of that day or earlier, and at most var fx_rate_max_staleness_days (a
    whole number of days, default 7) older. Both arguments are SQL date
    expressions. This is the one definition of the staleness window:
    int_fx_rates_daily carries a quote forward only while it is fresh, and
    base_crm__orders rejects an order whose currency has no fresh quote on the
    order date (missing_fx_rate), so every accepted order converts.
-#}
{% macro fx_quote_is_fresh(quote_date, on_date) -%}
    {%- set max_days = var('fx_rate_max_staleness_days', 7) -%}
    {%- if max_days is not number or max_days < 0 or max_days != max_days | int -%}
        {{ exceptions.raise_compiler_error(
            "var fx_rate_max_staleness_days must be a whole number of days >= 0, got " ~ max_days
        ) }}
    {%- endif -%}
    ({{ quote_date }} <= {{ on_date }}
        and {{ quote_date }} >= cast({{ dbt.dateadd('day', -(max_days | int), on_date) }} as date))
{%- endmacro %}
