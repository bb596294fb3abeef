{#-
    unique_among_accepted(model, column_name): on a base model, the natural key
    is unique among the rows it accepts (rejection_reason is null), i.e. the
    dedupe rule left exactly one version of each key. Returns the duplicated keys.
-#}
{% test unique_among_accepted(model, column_name) %}

select
    {{ column_name }},
    count(*) as accepted_versions

from {{ model }}

where rejection_reason is null

group by {{ column_name }}

having count(*) > 1

{% endtest %}
