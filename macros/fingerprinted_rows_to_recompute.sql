{#-
    fingerprinted_rows_to_recompute(held, current, group_column, row_column, fingerprint_column): a
    select of the group_column value of every group (e.g. an order) whose set of (row_column,
    fingerprint_column) in held (an incremental model, {{ this }}) differs from the set in current
    (the model it copies): a row changed, arrived or left. The pre-hook of an incremental model that
    recomputes whole groups deletes these groups, then the model appends them anew.
-#}
{% macro fingerprinted_rows_to_recompute(held, current, group_column, row_column, fingerprint_column) -%}
    select coalesce(current_rows.{{ group_column }}, held.{{ group_column }}) as {{ group_column }}

    from {{ current }} as current_rows

    full outer join {{ held }} as held
        on current_rows.{{ row_column }} = held.{{ row_column }}
        and current_rows.{{ fingerprint_column }} = held.{{ fingerprint_column }}

    where current_rows.{{ row_column }} is null
        or held.{{ row_column }} is null
{%- endmacro %}
