{#-
    surrogate_key(expressions): the project's one surrogate key, the md5 (dbt.hash)
    of the given SQL expressions cast to text and joined by '|' (dbt.concat),
    e.g. surrogate_key(['currency_code', 'rate_date']) = md5('EUR|2024-03-01').
    Null when any part is null (dbt.concat is ||, which propagates null): a key
    with a missing part identifies nothing, and the base models reject such
    rows on their own checks. Not dbt_utils.generate_surrogate_key, which
    replaces null by a placeholder and joins with '-': the keys already
    published would all change (see DECISIONLOG, "No packages.yml").
-#}
{% macro surrogate_key(expressions) -%}
    {%- set parts = [] -%}
    {%- for expression in expressions -%}
        {%- if not loop.first -%}{%- do parts.append("'|'") -%}{%- endif -%}
        {%- do parts.append('cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ ')') -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
