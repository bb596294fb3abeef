{#-
    round_money(expression): a money amount rounded half away from zero to 2
    decimals and typed numeric(18, 2) on every engine. expression: any numeric
    SQL expression (numeric, decimal or double precision). The inner cast to an
    exact numeric is needed because PostgreSQL has no round(double precision, int).
-#}
{% macro round_money(expression) -%}
    cast(round(cast({{ expression }} as numeric(38, 10)), 2) as numeric(18, 2))
{%- endmacro %}
