{#-
    mask_pii_text(expression): the text with every email-shaped substring
    replaced by "[email]" and every phone-shaped substring by "[phone]"; the
    rest of the text is kept ("Acme john@x.com Ltd" -> "Acme [email] Ltd").
    Null stays null. The same regular expressions run on DuckDB (RE2) and
    PostgreSQL (ARE); see DECISIONLOG.md "Personal data in free text".

    - email: local@domain.tld, optionally with one space around "@"; the local
      part and domain stop at white space and at @ < > ( ) , ; : " / ? = &.
    - phone: not glued to a letter, digit, "_", ".", ",", "/", "#", "$", "+",
      "(" or "-" on its left (an opening parenthesis is part of the phone), nor to a letter, digit or "_" on its right, and one of
      (a) "+" then 7 to 15 digits, with spaces, dots, dashes or parentheses
          between them ("+44 (0)20 7946 0958", "+447556723529");
      (b) 10 to 15 digits in a row ("5550102030"): shorter bare numbers are
          ids or amounts;
      (c) a group of 1 to 6 digits, a separator (space, dot, dash,
          parenthesis) and 6 or more digits with optional separators, 7 or
          more digits in all ("555-010-2030", "(555) 010 2030", "020 7946 0958").
      Dates and decimals are protected first: a dot or dash followed by one or
      two digits and then a non-digit ("2024-03-05", "05.03.2024",
      "1234567.89") is marked with chr(1), which no phone may touch, and the
      mark is removed at the end (clean_text strips control characters before
      masking, so chr(1) cannot come from the data). Times ("10:11:12") and
      slashes ("03/05/2024") are never phone separators. Known limits: amounts
      with dot or space thousands separators and 7+ digits ("12.345.678",
      "2 500 000") read as phones and are masked; a French dotted number
      ending in a two-digit group ("06.12.34.56.78") is protected as a decimal.
    The phone step runs twice: two phones sharing one separator ("a, b") are
    both masked.
-#}
{% macro mask_pii_text(expression) -%}
    {%- set not_before = "[^0-9A-Za-z_.,/#$+(\\x01-]" -%}
    {%- set not_after = "[^0-9A-Za-z_\\x01]" -%}
    {%- set phone = "[(]?(?:[+][0-9](?:[ .()-]{0,2}[0-9]){6,14}|[0-9]{10,15}|[0-9]{1,6}[ .()-]{1,2}[0-9](?:[ .()-]{0,2}[0-9]){5,13})" -%}
    {%- set phone_pattern = "(^|" ~ not_before ~ ")" ~ phone ~ "(" ~ not_after ~ "|$)" -%}
    {%- set email_part = '[^[:space:]@<>(),;:"/?=&]' -%}
    {%- set email_pattern = email_part ~ "+[[:space:]]?@[[:space:]]?" ~ email_part ~ "+[.]" ~ '[^[:space:]@<>(),;:"/?=&.]{2,}' -%}
    {%- set emails_masked = "regexp_replace(" ~ expression ~ ", '" ~ email_pattern ~ "', '[email]', 'g')" -%}
    {%- set protected = "regexp_replace(" ~ emails_masked ~ ", '([0-9])([.-][0-9]{1,2})([^0-9]|$)', '\\1' || chr(1) || '\\2\\3', 'g')" -%}
    {%- set phones_masked = "regexp_replace(" ~ protected ~ ", '" ~ phone_pattern ~ "', '\\1[phone]\\2', 'g')" -%}
    replace(regexp_replace({{ phones_masked }}, '{{ phone_pattern }}', '\1[phone]\2', 'g'), chr(1), '')
{%- endmacro %}
