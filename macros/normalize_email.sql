{#- normalize_email(column): trimmed, lower-case, inner spaces removed; null when it is not shaped like local@domain.tld. -#}
{% macro normalize_email(column) -%}
    {%- set folded = "lower(regexp_replace(" ~ nfc_normalize(column) ~ ", '\s+', '', 'g'))" -%}
    case when {{ regex_matches(folded, '^[^@]+@[^@]+[.][^@]+$') }} then {{ folded }} end
{%- endmacro %}
