{#-
    raw_values_text(columns, pii_columns=[]): the raw values of a row as one
    readable text, "col=value | col=value", for the rejection model. Columns in
    pii_columns are replaced by their salted hash, so no raw email or phone
    leaves the base layer, not even in rejections. Every other value is shown
    with its control characters removed and its email- and phone-shaped
    substrings masked (mask_pii_text): a rejected row may carry personal data
    in any column (a phone typed into a date, an email in a name).
-#}
{% macro raw_values_text(columns, pii_columns=[]) -%}
    {%- for column in columns %}
    '{{ column }}=' || coalesce(
        {%- if column in pii_columns %}
        'sha256:' || {{ pii_hash('lower(trim(' ~ column ~ '))') }}
        {%- else %}
        {{ mask_pii_text(strip_control_characters(column)) }}
        {%- endif %}, '<null>')
    {%- if not loop.last %} || ' | ' || {% endif -%}
    {%- endfor %}
{%- endmacro %}
