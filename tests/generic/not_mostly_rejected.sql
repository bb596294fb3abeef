{#-
    not_mostly_rejected(model, max_rejected_share=0.5): on a base model, at
    most max_rejected_share of the raw rows are rejected. Meant as a warning
    (severity warn): a table more than half rejected is named in dbt's output;
    validation then fails the build whenever more than
    max(10% of the rows, 10) rows are rejected, and the build command prints
    the main reasons with their counts. Returns one row (raw and rejected row
    counts) when the share is exceeded.
-#}
{% test not_mostly_rejected(model, max_rejected_share=0.5) %}

select
    count(*) as raw_row_count,
    count(rejection_reason) as rejected_row_count

from {{ model }}

having count(rejection_reason) > {{ max_rejected_share }} * count(*)

{% endtest %}
