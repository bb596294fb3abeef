{#-
    raw_values_text(columns, pii_columns=[], prefix=''): the raw values of a row as one
    readable text, "col=value | col=value", for the rejection model. Columns in
    pii_columns are replaced by their salted hash, so no raw email or phone
    leaves the base layer, not even in rejections. Every other value is shown
    with its control characters removed and its email- and phone-shaped
    substrings masked (mask_pii_text): a rejected row may carry personal data
    in any column (a phone typed into a date, an email in a name). prefix: the
    raw value of col is read from prefix ~ col (base models carry the raw
    values as raw__<col>, kept_raw_columns); the label stays col.
-#}
{% macro raw_values_text(columns, pii_columns=[], prefix='') -%}
    {%- for column in columns %}
    {%- set value = prefix ~ column %}
    '{{ column }}=' || coalesce(
        {%- if column in pii_columns %}
        'sha256:' || {{ pii_hash('lower(trim(' ~ value ~ '))') }}
        {%- else %}
        {{ mask_pii_text(strip_control_characters(value)) }}
        {%- endif %}, '<null>')
    {%- if not loop.last %} || ' | ' || {% endif -%}
    {%- endfor %}
{%- endmacro %}
