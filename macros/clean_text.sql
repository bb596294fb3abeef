{#- clean_text(column): trimmed, NFC-normalised text with inner runs of white space folded to one space; empty becomes null. -#}
{% macro clean_text(column) -%}
    nullif(regexp_replace(trim({{ nfc_normalize(column) }}), '\s+', ' ', 'g'), '')
{%- endmacro %}
