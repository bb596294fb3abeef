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
    {#- Fast path: printable ASCII words with single spaces between them are already clean (and, without a
        digit or an @, hold no email or phone), so the value is returned as it is; anything else takes the
        full path. Same result, one pattern match instead of the replaces for the usual clean id or name. -#}
    {%- set word = '[!-/:-?A-~]+' if mask_pii else '[!-~]+' -%}
    case
        when {{ regex_matches(column, '^' ~ word ~ '( ' ~ word ~ ')*$') }} then {{ column }}
        {%- if mask_pii %}
        else nullif({{ mask_pii_text(cleaned) }}, '')
        {%- else %}
        else nullif({{ cleaned }}, '')
        {%- endif %}
    end
{%- endmacro %}
