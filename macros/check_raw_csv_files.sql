{% macro check_raw_csv_files() -%}
select 1
{%- endmacro %}
