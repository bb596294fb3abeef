{#-
    strip_control_characters(expression): the text without C0 and C1 control
    characters (NUL, DEL and U+0080-U+009F included), except tab, line feed
    and carriage return, which the callers treat as white space. The same
    pattern runs on DuckDB and PostgreSQL (where text never holds NUL).
-#}
{% macro strip_control_characters(expression) -%}
    regexp_replace({{ expression }}, '[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]', '', 'g')
{%- endmacro %}
