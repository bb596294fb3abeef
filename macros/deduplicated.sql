{#-
    deduplicated(relation, key_columns, latest_first, reported_column=none): the dedupe step of a base
    model, a whole select for its `deduplicated` CTE. Reads relation (the
    `checked` CTE: its columns plus row_issue, the reason of the single-row
    checks, null when they pass) and adds deduped_issue: row_issue when set,
    else 'duplicate_superseded:<first key column>' for every version of a key
    but the one kept (version_rank: latest_first orders the versions, e.g.
    'updated_at desc'; the row fingerprint breaks ties), else null.
    key_columns: list of the key's column names; reported_column: the column the
    duplicate reason names, when not the first key column (the raw name).
-#}
{% macro deduplicated(relation, key_columns, latest_first, reported_column=none) -%}
    select
        *,
        coalesce(
            row_issue,
            case
                when {{ version_rank(key_columns, latest_first) }} > 1
                    then 'duplicate_superseded:{{ reported_column or key_columns[0] }}'
            end
        ) as deduped_issue

    from {{ relation }}
{%- endmacro %}
