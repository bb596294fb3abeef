{#-
    raw_source(table_name): the one place staging's base models read a raw
    export from: source('raw', 'raw_<table_name>'), in every mode, so `dbt docs`
    lineage starts at the source and source freshness checks what is read.
    Where the source is read from is its meta external_location (rendered from
    scripts/crmwh/contract.py into _crm__sources.yml), on DuckDB:
    - By default: the demo seeds that `dbt seed` loaded into the `raw` schema
      (run `dbt seed` before `dbt build`; `make build` does). PostgreSQL ignores
      external_location and always reads these tables.
    - When the environment variable CRM_RAW_DIR names a folder: the generator's
      files read in place, csv or parquet by CRM_RAW_FORMAT (default csv), so
      the same staging SQL serves every tier.
    Unit tests mock the input as source('raw', 'raw_<table_name>').
-#}
{% macro raw_source(table_name) -%}
    {%- set raw_format = env_var('CRM_RAW_FORMAT', 'csv') | trim | lower -%}
    {%- if raw_format not in ('csv', 'parquet') -%}
        {{ exceptions.raise_compiler_error("CRM_RAW_FORMAT must be csv or parquet, not '" ~ raw_format ~ "'") }}
    {%- endif -%}
    {{ return(source('raw', 'raw_' ~ table_name)) }}
{%- endmacro %}
