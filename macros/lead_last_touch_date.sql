{#-
    lead_last_touch_date(created_date, last_follow_up_date): where a lead's
    abandonment clock starts: the later of its creation date and the date of its
    last follow-up (a follow-up dated before the creation does not make the lead
    older). Both arguments are SQL expressions of UTC dates (the follow-up may be
    null). One definition for int_lead_milestones_dated (at the as-of date) and
    int_rep_lead_weeks_measured (at each week end).
-#}
{% macro lead_last_touch_date(created_date, last_follow_up_date) -%}
    case
        when {{ last_follow_up_date }} is not null and cast({{ last_follow_up_date }} as date) > {{ created_date }}
            then cast({{ last_follow_up_date }} as date)
        else {{ created_date }}
    end
{%- endmacro %}
