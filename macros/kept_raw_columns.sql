{#-
    kept_raw_columns(columns): the raw values a base model's typed CTE carries to its
    final select, each column col as raw__col, so that rejection_columns builds the
    raw_values text of the rejected rows only (an accepted row needs none).
-#}
{% macro kept_raw_columns(columns) -%}
    {%- for column in columns %}
    {{ column }} as raw__{{ column }}
    {%- if not loop.last %},{% endif -%}
    {%- endfor %}
{%- endmacro %}
