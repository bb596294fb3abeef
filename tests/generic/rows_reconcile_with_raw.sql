{#-
    rows_reconcile_with_raw(model, raw_table): nothing is lost in staging. The
    raw table's row count must equal the rows the staging model accepted plus
    the rows stg_crm__rejections holds for that table. Returns one row (the
    three counts) when they do not add up.
-#}
{% test rows_reconcile_with_raw(model, raw_table) %}

with

raw_rows as (

    select count(*) as row_count from {{ raw_source(raw_table) }}

),

accepted_rows as (

    select count(*) as row_count from {{ model }}

),

rejected_rows as (

    select count(*) as row_count
    from {{ ref('stg_crm__rejections') }}
    where source_table = '{{ raw_table }}'

)

select
    raw_rows.row_count as raw_row_count,
    accepted_rows.row_count as accepted_row_count,
    rejected_rows.row_count as rejected_row_count

from raw_rows
cross join accepted_rows
cross join rejected_rows
where raw_rows.row_count != accepted_rows.row_count + rejected_rows.row_count

{% endtest %}
