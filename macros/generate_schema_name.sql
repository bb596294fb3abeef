{#-
    Use a model's custom schema as it is (raw, staging, marts, ...) instead of
    dbt's default <target_schema>_<custom>, so analysts query marts.dim_customers
    on every target. Models without a custom schema go to the target schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
