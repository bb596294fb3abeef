{#-
    delete_groups_to_recompute(group_column, groups_query): the pre-hook of an incremental model that
    recomputes whole groups (strategy append): on an incremental run, deletes from {{ this }} every
    row whose group_column is among the values groups_query selects (e.g. order_lines_to_recompute);
    on a full build it renders nothing, so dbt runs no hook. The model then appends the groups it
    no longer holds (groups_with_rows_not_held).
-#}
{% macro delete_groups_to_recompute(group_column, groups_query) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ group_column }} in ({{ groups_query }})
    {%- endif -%}
{%- endmacro %}
