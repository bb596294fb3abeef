{#-
    raw_values_text(columns, pii_columns=[]): the raw values of a row as one
    readable text, "col=value | col=value", for the rejection model. Columns in
    pii_columns are replaced by their salted hash, so no raw email or phone
    leaves the base layer, not even in rejections.
-#}
{% macro raw_values_text(columns, pii_columns=[]) -%}
    {%- for column in columns %}
    '{{ column }}=' || coalesce(
        {%- if column in pii_columns %}
        'sha256:' || {{ pii_hash('lower(trim(' ~ column ~ '))') }}
        {%- else %}
        {{ column }}
        {%- endif %}, '<null>')
    {%- if not loop.last %} || ' | ' || {% endif -%}
    {%- endfor %}
{%- endmacro %}
