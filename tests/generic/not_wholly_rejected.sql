{#-
    not_wholly_rejected(model, required=false): on a base model (every raw row,
    with its rejection_reason), a raw table that has rows has at least one
    accepted row; with required (the core tables of the contract: customers,
    products, orders, order_items) it must also have rows at all. A table
    whose every row is rejected (e.g. customers without a parseable
    created_at) is a broken export: the test fails with severity error, so dbt
    skips every model downstream and this is the error the user sees, not an
    empty mart or a null as-of date further on. Returns one row (raw and
    rejected row counts) when it fails. The build command prints the reasons
    with their counts (data-quality summary).
-#}
{% test not_wholly_rejected(model, required=false) %}

select
    count(*) as raw_row_count,
    count(rejection_reason) as rejected_row_count

from {{ model }}

having count(rejection_reason) = count(*)
{%- if not required %}
    and count(*) > 0
{%- endif %}

{% endtest %}
