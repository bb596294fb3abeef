{#-
    check_raw_csv_files(): run on every run start (dbt_project.yml). When the
    raw exports are read in place as CSV (CRM_RAW_DIR set, CRM_RAW_FORMAT csv,
    DuckDB), it checks every file of the source raw before any model
    reads it, and fails the run with one line per problem: the file, the line
    number and what is wrong, never the line's content (it may hold personal
    data; DuckDB's own error quotes the whole line). One damaged line fails the
    whole load (DECISIONLOG.md, "Raw CSV damage, PII salt, raw folder paths").

    - The folder must hold every raw_<table>.csv of the contract.
    - Each file is scanned once in full by DuckDB's CSV reader with the
      dialect and columns of the sources (meta csv_dialect, csv_file,
      csv_columns), with store_rejects = true and ignore_errors = true; of the
      rejects table only the line, error type, column and field count are
      read, never csv_line. Every column is aggregated, so every field is
      decoded (invalid UTF-8 is only found in the columns a query reads).
    - Line 1 must be the contract's header; where it differs, only the
      position, the expected name and a found value that is itself a contract
      column name are shown.
    All statements run in one call, on one connection: the rejects tables are
    temporary tables of that connection. Cost: one extra parse of every raw
    CSV file per run (see README, "Reading large exports in place").
-#}
{% macro check_raw_csv_files() -%}
    {%- set raw_dir = env_var('CRM_RAW_DIR', '') | trim -%}
    {%- set raw_format = env_var('CRM_RAW_FORMAT', 'csv') | trim | lower -%}
    {%- if execute and raw_dir != '' and raw_format == 'csv' and target.type == 'duckdb' -%}
        {%- set files = [] -%}
        {%- for node in graph.sources.values() if node.source_name == 'raw' -%}
            {%- set meta = {} -%}
            {%- do meta.update(node.source_meta or {}) -%}
            {%- do meta.update(node.meta or {}) -%}
            {%- do files.append({
                'name': meta['csv_file'],
                'path': raw_dir ~ '/' ~ meta['csv_file'],
                'columns': meta['csv_columns'].split(','),
                'dialect': meta['csv_dialect'],
            }) -%}
        {%- endfor -%}
        {%- set problems = raw_csv_missing_files(raw_dir, files) -%}
        {%- if problems | length == 0 -%}
            {%- set problems = raw_csv_damage(files) -%}
        {%- endif -%}
        {%- if problems | length > 0 -%}
            {{ exceptions.raise_compiler_error(
                'The raw CSV export in CRM_RAW_DIR "' ~ raw_dir ~ '" cannot be loaded; nothing was read'
                ~ ' (line contents are not shown: they may hold personal data):\n  '
                ~ problems | join('\n  ')
            ) }}
        {%- endif -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{#- raw_csv_sql_string(text): text as an SQL string literal (quotes doubled: a path with an apostrophe). -#}
{% macro raw_csv_sql_string(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}

{#- raw_csv_missing_files(raw_dir, files): one problem per contract file the folder lacks. -#}
{% macro raw_csv_missing_files(raw_dir, files) -%}
    {%- set found = [] -%}
    {%- set listing = run_query('select file from glob(' ~ raw_csv_sql_string(raw_dir ~ '/raw_*.csv') ~ ')') -%}
    {%- for file in listing.columns[0].values() -%}
        {%- do found.append((file ~ '').split('/')[-1]) -%}
    {%- endfor -%}
    {%- set problems = [] -%}
    {%- if found | length == 0 -%}
        {%- do problems.append('"' ~ raw_dir ~ '": no such folder, or it holds no raw_*.csv file') -%}
    {%- else -%}
        {%- for file in files if file.name not in found -%}
            {%- do problems.append(file.path ~ ': missing (the contract expects this file in the folder)') -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(problems) }}
{%- endmacro %}

{#- raw_csv_read(file, header): the read_csv call of one raw file with its dialect and contract columns. -#}
{% macro raw_csv_read(file, header, options) -%}
    read_csv(
        {{ raw_csv_sql_string(file.path) }}, header = {{ header }}, {{ file.dialect }},
        columns = struct_pack({% for column in file.columns %}{{ column }} := 'varchar'{{ ', ' if not loop.last }}{% endfor %}),
        {{ options }}
    )
{%- endmacro %}

{#- raw_csv_damage(files): scan every file; one problem per damaged line (at most 5 per file) or bad header. -#}
{% macro raw_csv_damage(files) -%}
    {%- set rejects = "store_rejects = true, ignore_errors = true, rejects_table = 'crm_raw_csv_rejects', rejects_scan = 'crm_raw_csv_scans'" -%}
    {%- set sql -%}
        drop table if exists temp.crm_raw_csv_rejects;
        drop table if exists temp.crm_raw_csv_scans;
        create or replace temp table crm_raw_csv_headers (file_name varchar, field_position integer, field varchar);
        {% for file in files %}
        -- every line of the file, the header included (line numbers are the file's)
        select count(columns(*)) from {{ raw_csv_read(file, 'false', rejects) }};
        -- the first accepted line: the header unless line 1 itself was rejected
        insert into crm_raw_csv_headers
        select {{ raw_csv_sql_string(file.name) }}, field_position, fields[field_position]
        from (
            select [{{ file.columns | join(', ') }}] as fields
            from {{ raw_csv_read(file, 'false', 'ignore_errors = true') }}
            limit 1
        ) as first_line
        cross join range(1, {{ file.columns | length + 1 }}) as positions (field_position);
        {% endfor %}
        select
            'reject' as kind,
            scans.file_path as file_name,
            errors.line as line_number,
            cast(errors.error_type as varchar) as error_type,
            errors.column_idx as field_position,
            errors.column_name as detail,
            regexp_extract(errors.error_message, 'Found: ([0-9]+)', 1) as found_fields
        from crm_raw_csv_rejects as errors
        inner join crm_raw_csv_scans as scans
            on errors.scan_id = scans.scan_id and errors.file_id = scans.file_id
        union all
        select 'header', file_name, 1, null, field_position, field, null
        from crm_raw_csv_headers
        order by kind desc, file_name, line_number, field_position
    {%- endset -%}
    {%- set result = run_query(sql) -%}
    {%- set by_path = {} -%}
    {%- for file in files -%}
        {%- do by_path.update({file.path: file, file.name: file}) -%}
    {%- endfor -%}
    {%- set lines = {} -%}
    {%- set headers = {} -%}
    {%- for row in result.rows -%}
        {%- set file = by_path[row['file_name'] ~ ''] -%}
        {%- if row['kind'] == 'reject' -%}
            {%- set key = file.path ~ '|' ~ row['line_number'] -%}
            {%- if key not in lines -%}
                {%- do lines.update({key: {'file': file, 'line': row['line_number'] | int, 'errors': []}}) -%}
            {%- endif -%}
            {%- do lines[key]['errors'].append(row) -%}
        {%- else -%}
            {%- do headers.setdefault(file.name, {}).update({row['field_position'] | int: row['detail']}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set problems = [] -%}
    {%- for file in files -%}
        {%- set damaged = lines.values() | selectattr('file', 'equalto', file) | sort(attribute='line') | list -%}
        {%- for line in damaged[:5] -%}
            {%- do problems.append(file.path ~ ' line ' ~ line.line ~ ': ' ~ raw_csv_line_problem(line.errors, file.columns | length)) -%}
        {%- endfor -%}
        {%- if damaged | length > 5 -%}
            {%- do problems.append(file.path ~ ': ' ~ (damaged | length - 5) ~ ' more damaged lines') -%}
        {%- endif -%}
        {%- if damaged | selectattr('line', 'equalto', 1) | list | length == 0 -%}
            {%- set problem = raw_csv_header_problem(headers.get(file.name, {}), file.columns) -%}
            {%- if problem -%}
                {%- do problems.append(file.path ~ ' line 1: ' ~ problem) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(problems) }}
{%- endmacro %}

{#- raw_csv_line_problem(errors, expected): what is wrong with one line, from its reject rows (no content). -#}
{% macro raw_csv_line_problem(errors, expected) -%}
    {%- set first = errors[0] -%}
    {%- set field = 'field ' ~ (first['field_position'] | int) ~ (' (' ~ first['detail'] ~ ')' if first['detail'] else '') -%}
    {%- if first['error_type'] in ('TOO MANY COLUMNS', 'MISSING COLUMNS') -%}
        {%- set found = errors | map(attribute='found_fields') | reject('none') | map('int') | list -%}
        {%- set count = (found | min if first['error_type'] == 'MISSING COLUMNS' else found | max) if found else '?' -%}
        {%- set what = 'too many fields' if first['error_type'] == 'TOO MANY COLUMNS' else 'too few fields' -%}
        {{ return(what ~ ' (expected ' ~ expected ~ ', found ' ~ count ~ ')') }}
    {%- elif first['error_type'] == 'UNQUOTED VALUE' -%}
        {{ return('a quote that is never closed, or text after a closing quote, in ' ~ field) }}
    {%- elif first['error_type'] == 'INVALID ENCODING' -%}
        {{ return('invalid UTF-8 in ' ~ field ~ ' (the file must be UTF-8)') }}
    {%- elif first['error_type'] == 'LINE SIZE OVER MAXIMUM' -%}
        {{ return('the line is longer than the maximum line size of the CSV reader') }}
    {%- else -%}
        {{ return('malformed CSV (' ~ (first['error_type'] | lower) ~ ') in ' ~ field) }}
    {%- endif -%}
{%- endmacro %}

{#- raw_csv_header_problem(found, expected): why line 1 is not the contract's header, or '' (no content shown). -#}
{% macro raw_csv_header_problem(found, expected) -%}
    {%- if found | length == 0 -%}
        {{ return('the file is empty; the contract expects the header ' ~ expected | join(',')) }}
    {%- endif -%}
    {%- for name in expected -%}
        {%- set value = found.get(loop.index) -%}
        {%- set value = '' if value is none else value ~ '' -%}
        {%- if value != name -%}
            {%- set shown = value if value in expected else 'a name that is not a contract column' -%}
            {{ return(
                'the header does not match the contract: field ' ~ loop.index ~ ' is ' ~ shown
                ~ ', the contract expects ' ~ name ~ ' (header: ' ~ expected | join(',') ~ ')'
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{%- endmacro %}
