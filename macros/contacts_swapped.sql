{#-
    contacts_swapped(email_column, phone_column): true when a row's email and
    phone sit in each other's column: the email column holds a phone-shaped
    value (only digits, spaces and + ( ) . / -, at least 7 digits, no @) and
    the phone column an email-shaped one (normalize_email is not null).
    False otherwise, also when either is empty. Base models then hash each
    value under the column it belongs to and keep the flag, which the build
    counts as a data-quality issue (DECISIONLOG.md, "Minimal exports").
-#}
{% macro contacts_swapped(email_column, phone_column) -%}
    coalesce(
        {{ regex_matches('trim(' ~ email_column ~ ')', '^[+(]*[0-9][0-9 ()./-]*$') }}
        and {{ normalize_phone(email_column) }} is not null
        and {{ normalize_email(phone_column) }} is not null,
        false
    )
{%- endmacro %}
