{#-
    raw_source(table_name): the one place that decides where raw exports are
    read from; staging models call it instead of source(). By default the demo
    seeds loaded into the `raw` schema (source `raw`). When the environment
    variable CRM_RAW_DIR names a folder, DuckDB reads the generator's files in
    place instead (sources `raw_files_csv` / `raw_files_parquet`, chosen by
    CRM_RAW_FORMAT, default csv), so the same staging SQL serves every tier.
-#}
{% macro raw_source(table_name) -%}
    {%- set raw_dir = env_var('CRM_RAW_DIR', '') | trim -%}
    {%- set raw_format = env_var('CRM_RAW_FORMAT', 'csv') | trim | lower -%}
    {%- if raw_dir == '' -%}
        {{ return(source('raw', 'raw_' ~ table_name)) }}
    {%- elif raw_format in ('csv', 'parquet') -%}
        {{ return(source('raw_files_' ~ raw_format, 'raw_' ~ table_name)) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("CRM_RAW_FORMAT must be csv or parquet, not '" ~ raw_format ~ "'") }}
    {%- endif -%}
{%- endmacro %}
