{#-
    normalize_label(column): the key a category name is looked up by in
    seeds/lookups/category_synonyms.csv: NFC, trimmed, lower case, with runs of
    spaces, hyphens and underscores folded to one underscore ("Closed - Won" ->
    "closed_won"). Scripts without case (Chinese, Persian) pass through.
-#}
{% macro normalize_label(column) -%}
    nullif(regexp_replace(lower(trim({{ nfc_normalize(column) }})), '[\s_-]+', '_', 'g'), '')
{%- endmacro %}
