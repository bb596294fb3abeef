{#-
    raw_source(table_name): the one place that decides where raw exports are
    read from; staging models call it instead of source() or ref().
    - By default: the demo seeds loaded into the `raw` schema. They are declared
      as the source `raw` (documented, with freshness), but read through ref()
      so that dbt orders every seed before the models that read it in one
      `dbt build`; unit tests mock them as ref('raw_<table>').
    - When the environment variable CRM_RAW_DIR names a folder: DuckDB reads the
      generator's files in place (sources `raw_files_csv` / `raw_files_parquet`,
      by CRM_RAW_FORMAT, default csv), so the same staging SQL serves every tier.
-#}
{% macro raw_source(table_name) -%}
    {%- set raw_dir = env_var('CRM_RAW_DIR', '') | trim -%}
    {%- set raw_format = env_var('CRM_RAW_FORMAT', 'csv') | trim | lower -%}
    {%- if raw_dir == '' -%}
        {{ return(ref('raw_' ~ table_name)) }}
    {%- elif raw_format in ('csv', 'parquet') -%}
        {{ return(source('raw_files_' ~ raw_format, 'raw_' ~ table_name)) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("CRM_RAW_FORMAT must be csv or parquet, not '" ~ raw_format ~ "'") }}
    {%- endif -%}
{%- endmacro %}
