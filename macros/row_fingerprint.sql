{#-
    row_fingerprint(columns): md5 of the raw values of a row (null as empty,
    separated by |). Used as the last, deterministic tie-break of dedupe rules
    so that the same data always keeps the same row. One concat_ws (DuckDB,
    PostgreSQL, Spark) instead of a chain of ||: the same text, half the work.
-#}
{% macro row_fingerprint(columns) -%}
    md5(concat_ws(
        '|'
        {%- for column in columns %},
        coalesce(cast({{ column }} as {{ dbt.type_string() }}), '')
        {%- endfor %}
    ))
{%- endmacro %}
