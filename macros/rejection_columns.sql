{#-
    rejection_columns(rejection, raw_columns, pii_columns=[]): the last columns of
    every base model's final select, in this order: raw_key, raw_row_hash,
    raw_values, then the reason a row is rejected split into rejection_reason
    and rejection_column (reason_code / reason_column). rejection: the column
    holding the combined "reason_code:column" text (null when the row is
    accepted), e.g. 'rejection'. raw_values is built (raw_values_text, from the
    raw__<col> columns of kept_raw_columns) for rejected rows only and is null
    on accepted rows: the per-row masking is the costliest text work of a base
    model and only the rejections read it. raw_columns / pii_columns: as
    raw_values_text. stg_crm__rejections and the not_wholly_rejected /
    rows_reconcile_with_raw tests read these five columns from every base model.
-#}
{% macro rejection_columns(rejection, raw_columns, pii_columns=[]) -%}
    raw_key,
    raw_row_hash,
    case
        when {{ rejection }} is not null
            then {{ raw_values_text(raw_columns, pii_columns, prefix='raw__') | indent(12) }}
    end as raw_values,
    {{ reason_code(rejection) }} as rejection_reason,
    {{ reason_column(rejection) }} as rejection_column
{%- endmacro %}
