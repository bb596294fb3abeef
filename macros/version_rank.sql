{#-
    version_rank(key_columns, latest_first): the dedupe rule of base models.
    Ranks the versions of each key among the rows it is given (deduplicated gives
    it only the accepted rows, row_issue null, of the keys with several of them):
    1 = the one kept. latest_first is the ordering expression (e.g.
    'updated_at desc'); the row fingerprint breaks ties, so the same data always
    keeps the same row (of exact copies, one is kept).
-#}
{% macro version_rank(key_columns, latest_first) -%}
    row_number() over (
        partition by {{ key_columns | join(', ') }}
        order by {{ latest_first }}, raw_row_hash desc
    )
{%- endmacro %}
