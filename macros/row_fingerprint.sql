{#-
    row_fingerprint(columns): md5 of the raw values of a row (null as empty,
    separated by |). Used as the last, deterministic tie-break of dedupe rules
    so that the same data always keeps the same row.
-#}
{% macro row_fingerprint(columns) -%}
    md5(
        {%- for column in columns %}
        coalesce(cast({{ column }} as {{ dbt.type_string() }}), '')
        {%- if not loop.last %} || '|' || {% endif -%}
        {%- endfor %}
    )
{%- endmacro %}
