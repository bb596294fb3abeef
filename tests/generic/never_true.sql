{#-
    never_true(model, column_name): a boolean flag of a data-quality issue is
    never true. Returns one row (the key in raw_key, never a personal value)
    per flagged row, so with severity warn dbt's message "Got N results" gives
    the number of flagged rows. Nulls count as not flagged.
-#}
{% test never_true(model, column_name) %}

select raw_key

from {{ model }}

where {{ column_name }}

{% endtest %}
