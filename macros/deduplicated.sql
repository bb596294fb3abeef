{#-
    deduplicated(relation, key_columns, latest_first, reported_column=none): the dedupe step of a base
    model, a whole select for its `deduplicated` CTE. Reads relation (the
    `checked` CTE: its columns plus row_issue, the reason of the single-row
    checks, null when they pass) and adds deduped_issue: row_issue when set,
    else 'duplicate_superseded:<first key column>' for every accepted version of
    a key but the one kept (version_rank: latest_first orders the versions, e.g.
    'updated_at desc'; the row fingerprint breaks ties; of exact copies one is
    kept), else null.
    key_columns: list of the key's column names; reported_column: the column the
    duplicate reason names, when not the first key column (the raw name).

    Cheap at scale: almost every key has a single accepted row, so only the
    accepted rows of the keys with several of them (several_versions, a narrow
    aggregate) are ranked; every other row streams through with row_issue. A
    window over every wide row buffered and sorted them all (DECISIONLOG "Scale:
    the dedupe ranks only keys with several versions"). Relies on every model
    rejecting a row with a null key column (missing_key): accepted rows have
    their whole key.
-#}
{% macro deduplicated(relation, key_columns, latest_first, reported_column=none) -%}
    {%- set key_list = key_columns | join(', ') -%}
    with

    several_versions as (

        select
            {{ key_list }},
            count(*) as version_count

        from {{ relation }}

        where row_issue is null

        group by {{ key_list }}

        having count(*) > 1

    )

    select
        {{ relation }}.*,
        {{ relation }}.row_issue as deduped_issue

    from {{ relation }}

    left join several_versions
        on
        {%- for column in key_columns %}
            {{ 'and ' if not loop.first }}{{ relation }}.{{ column }} = several_versions.{{ column }}
        {%- endfor %}

    where {{ relation }}.row_issue is not null
        or several_versions.version_count is null

    union all

    select
        *,
        case
            when {{ version_rank(key_columns, latest_first) }} > 1
                then 'duplicate_superseded:{{ reported_column or key_columns[0] }}'
        end as deduped_issue

    from {{ relation }}

    where row_issue is null
        and exists (
            select 1
            from several_versions
            where
            {%- for column in key_columns %}
                {{ 'and ' if not loop.first }}several_versions.{{ column }} = {{ relation }}.{{ column }}
            {%- endfor %}
        )
{%- endmacro %}
