{#-
    clean_text(column, mask_pii=false): the text as published: control
    characters removed (C0 and C1, NUL and DEL included: "Jo\x00hn" -> "John";
    tabs and line breaks count as white space), NFC-normalised, trimmed, inner
    runs of white space folded to one space; empty becomes null. With
    mask_pii=true (every free-text column: names, subjects, comments, notes,
    cities...) email- and phone-shaped substrings are then replaced by
    "[email]" / "[phone]" (see mask_pii_text); identifiers and codes keep the
    default false.
-#}
{% macro clean_text(column, mask_pii=false) -%}
    {%- set cleaned = "regexp_replace(trim(" ~ nfc_normalize(strip_control_characters(column)) ~ "), '\\s+', ' ', 'g')" -%}
    {%- if mask_pii -%}
        nullif({{ mask_pii_text(cleaned) }}, '')
    {%- else -%}
        nullif({{ cleaned }}, '')
    {%- endif -%}
{%- endmacro %}
