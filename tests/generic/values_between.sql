{#-
    values_between(model, column_name, min_value, max_value): every non-null
    value of the column lies in [min_value, max_value] (bounds included; nulls
    are left to not_null). Returns the rows outside the range.
-#}
{% test values_between(model, column_name, min_value, max_value) %}

select {{ column_name }}

from {{ model }}

where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}

{% endtest %}
