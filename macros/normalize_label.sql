{#-
    normalize_label(column, mask_pii=false): the key a category name is looked
    up by in seeds/lookups/category_synonyms.csv: control characters removed,
    NFC, trimmed, lower case, with runs of spaces, hyphens and underscores
    folded to one underscore ("Closed - Won" -> "closed_won"). Scripts without
    case (Chinese, Persian) pass through. With mask_pii=true (labels that are
    published as exported, without a lookup: channels, sources, reasons)
    email- and phone-shaped substrings are masked first (mask_pii_text), before
    folding turns a phone's spaces into underscores.
-#}
{% macro normalize_label(column, mask_pii=false) -%}
    {%- set text = nfc_normalize(strip_control_characters(column)) -%}
    {%- if mask_pii -%}
        {%- set text = mask_pii_text(text) -%}
    {%- endif -%}
    {#- Fast path: ASCII words joined by single spaces, hyphens or underscores (and, without a digit, no
        phone) fold to the lower-case value with each separator an underscore. Anything else takes the full path. -#}
    {%- set word = '[A-Za-z]+' if mask_pii else '[A-Za-z0-9]+' -%}
    case
        when {{ regex_matches(column, '^' ~ word ~ '([ _-]' ~ word ~ ')*$') }}
            then lower(replace(replace({{ column }}, ' ', '_'), '-', '_'))
        else nullif(regexp_replace(lower(trim({{ text }})), '[\s_-]+', '_', 'g'), '')
    end
{%- endmacro %}
