{#-
    contact_phone(email_column, phone_column): the normalised phone of a row
    (normalize_phone), read from the email column when the two are swapped
    (contacts_swapped). A phone column holding an email-shaped value never
    gives a phone: the digits of an address are not a number.
-#}
{% macro contact_phone(email_column, phone_column) -%}
    case
        when {{ contacts_swapped(email_column, phone_column) }} then {{ normalize_phone(email_column) }}
        when {{ normalize_email(phone_column) }} is not null then null
        else {{ normalize_phone(phone_column) }}
    end
{%- endmacro %}
