{#-
    incremental_raw_rows(table_name, key_column, raw_columns, extra_keys=none): the body of the
    `source` CTE of an incremental base model (one row per raw row, delete+insert on raw_key).
    A full build (or --full-refresh) reads every raw row of raw_source(table_name). An
    incremental build reads only the raw rows to (re)compute: every raw row of each key
    (clean_text(key_column)) whose raw row count differs from the rows the target holds for
    it (a new key, or a new version of a held key), of each key the target holds rejected for
    a reference reason (orphan_reference, missing_fx_rate: re-evaluated every run, since the
    rows they reference may have arrived) and of the keys extra_keys selects (a query
    returning one column of keys); plus the keyless raw rows (missing_key) beyond the copies
    of the same raw row the target already holds. A key is recomputed from all its raw
    rows, so dedupe ranks and rejections are those of a full build.
-#}
{% macro incremental_raw_rows(table_name, key_column, raw_columns, extra_keys=none) -%}
    {#- unit tests (no relation: this is none) take the full-build branch -#}
    {%- if this is not none and is_incremental() -%}
    with

    raw_rows as (

        select
            {% for column in raw_columns -%}
            {{ column }},
            {% endfor -%}
            {{ clean_text(key_column) }} as increment_key

        from {{ raw_source(table_name) }}

    ),

    raw_key_counts as (

        select
            increment_key,
            count(*) as raw_row_count

        from raw_rows

        where increment_key is not null

        group by increment_key

    ),

    held_key_counts as (

        select
            raw_key,
            count(*) as held_row_count

        from {{ this }}

        where raw_key is not null

        group by raw_key

    ),

    affected_keys as (

        select raw_key_counts.increment_key

        from raw_key_counts

        left join held_key_counts
            on raw_key_counts.increment_key = held_key_counts.raw_key

        where held_key_counts.held_row_count is null
            or held_key_counts.held_row_count <> raw_key_counts.raw_row_count

        union

        select raw_key as increment_key

        from {{ this }}

        where rejection_reason in ('orphan_reference', 'missing_fx_rate')
            and raw_key is not null
        {%- if extra_keys %}

        union

        {{ extra_keys }}
        {%- endif %}

    ),

    keyless_copies as (

        select
            *,
            {{ row_fingerprint(raw_columns) }} as increment_row_hash

        from raw_rows

        where increment_key is null

    ),

    keyless_numbered as (

        select
            *,
            row_number() over (partition by increment_row_hash order by increment_row_hash) as copy_number

        from keyless_copies

    ),

    held_keyless_copies as (

        select
            raw_row_hash,
            count(*) as held_copy_count

        from {{ this }}

        where raw_key is null

        group by raw_row_hash

    ),

    keyed_increment as (

        select {{ raw_columns | join(', ') }}

        from raw_rows

        where increment_key in (select affected_keys.increment_key from affected_keys)

    ),

    keyless_increment as (

        select
            {% for column in raw_columns -%}
            keyless_numbered.{{ column }}{{ ',' if not loop.last }}
            {% endfor %}
        from keyless_numbered

        left join held_keyless_copies
            on keyless_numbered.increment_row_hash = held_keyless_copies.raw_row_hash

        where keyless_numbered.copy_number > coalesce(held_keyless_copies.held_copy_count, 0)

    )

    select * from keyed_increment

    union all

    select * from keyless_increment
    {%- else -%}
    select * from {{ raw_source(table_name) }}
    {%- endif -%}
{%- endmacro %}
