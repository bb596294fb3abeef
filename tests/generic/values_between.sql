{#-
    values_between(model, column_name, min_value=none, max_value=none): every
    non-null value of the column lies in [min_value, max_value] (bounds
    included; an omitted bound is open; nulls are left to not_null). Returns
    the rows outside the range.
-#}
{% test values_between(model, column_name, min_value=none, max_value=none) %}

{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error("values_between on " ~ column_name ~ ": give min_value, max_value or both") }}
{%- endif %}

select {{ column_name }}

from {{ model }}

where
    {% if min_value is not none -%}
        {{ column_name }} < {{ min_value }}
    {%- endif %}
    {% if min_value is not none and max_value is not none %}or{% endif %}
    {% if max_value is not none -%}
        {{ column_name }} > {{ max_value }}
    {%- endif %}

{% endtest %}
