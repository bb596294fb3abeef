{#-
    python_models_enabled(): true when the target runs dbt Python models in
    process (DuckDB: the CLV fit), false elsewhere (PostgreSQL). No arguments.
    SQL models that read a Python model guard the ref with it; the Python models
    and the models that need them are disabled on other engines.
-#}
{% macro python_models_enabled() -%}
    {{ return(target.type == 'duckdb') }}
{%- endmacro %}
