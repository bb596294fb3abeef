{#-
    rejection_columns(rejection): the last columns of every base model's final
    select, in this order: raw_key, raw_row_hash, raw_values, then the reason a
    row is rejected split into rejection_reason and rejection_column
    (reason_code / reason_column). rejection: the column holding the combined
    "reason_code:column" text (null when the row is accepted), e.g. 'rejection'.
    stg_crm__rejections and the not_wholly_rejected / rows_reconcile_with_raw
    tests read these five columns from every base model.
-#}
{% macro rejection_columns(rejection) -%}
    raw_key,
    raw_row_hash,
    raw_values,
    {{ reason_code(rejection) }} as rejection_reason,
    {{ reason_column(rejection) }} as rejection_column
{%- endmacro %}
