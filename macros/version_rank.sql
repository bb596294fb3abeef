{#-
    version_rank(key_columns, latest_first): the dedupe rule of base models.
    Among the rows that passed their single-row checks (row_issue is null), rank
    the versions of each key: 1 = the one kept. latest_first is the ordering
    expression (e.g. 'updated_at desc'); the row fingerprint breaks ties, so the
    same data always keeps the same row. Rows with an issue get null.
-#}
{% macro version_rank(key_columns, latest_first) -%}
    case
        when row_issue is null
            then row_number() over (
                partition by {{ key_columns | join(', ') }}, case when row_issue is null then 1 else 0 end
                order by {{ latest_first }}, raw_row_hash desc
            )
    end
{%- endmacro %}
