{#-
    groups_with_rows_not_held(current, held, group_column, row_column): a select of the group_column
    value of every row of current whose row_column key held (an incremental model, {{ this }}) lacks.
    After the pre-hook of an incremental model that recomputes whole groups has deleted the groups to
    recompute, these are exactly the groups to insert (int_order_items_converted, fct_order_items).
-#}
{% macro groups_with_rows_not_held(current, held, group_column, row_column) -%}
    select current_rows.{{ group_column }}

    from {{ current }} as current_rows

    left join {{ held }} as held
        on current_rows.{{ row_column }} = held.{{ row_column }}

    where held.{{ row_column }} is null
{%- endmacro %}
