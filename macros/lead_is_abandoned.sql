{#-
    lead_is_abandoned(is_converted, last_touch_date, measured_on_date): the
    sales area's abandonment rule as a boolean SQL expression: the lead is not
    converted and at least var lead_abandonment_days whole days separate its last
    touch (lead_last_touch_date) from the day it is measured on. One definition
    for int_lead_milestones_dated (at the as-of date) and
    int_rep_lead_weeks_measured (at each week end).
-#}
{% macro lead_is_abandoned(is_converted, last_touch_date, measured_on_date) -%}
    (
        not ({{ is_converted }})
        and {{ dbt.datediff(last_touch_date, measured_on_date, 'day') }} >= {{ var('lead_abandonment_days') }}
    )
{%- endmacro %}
