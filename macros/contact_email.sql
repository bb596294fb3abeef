{#-
    contact_email(email_column, phone_column): the normalised email of a row
    (normalize_email), read from the phone column when the two are swapped
    (contacts_swapped); null when there is none.
-#}
{% macro contact_email(email_column, phone_column) -%}
    case
        when {{ contacts_swapped(email_column, phone_column) }} then {{ normalize_email(phone_column) }}
        else {{ normalize_email(email_column) }}
    end
{%- endmacro %}
