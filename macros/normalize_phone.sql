{#-
    normalize_phone(column): digits only, in international form: a leading
    "+" or "00" marks the country code and is dropped ("+1 (555) 010-2030" and
    "001 555 010 2030" both give "15550102030"); null when fewer than 7 digits.
-#}
{% macro normalize_phone(column) -%}
    {%- set digits = "regexp_replace(regexp_replace(trim(" ~ column ~ "), '^(\+|00)', ''), '[^0-9]', '', 'g')" -%}
    case when length({{ digits }}) >= 7 then {{ digits }} end
{%- endmacro %}
