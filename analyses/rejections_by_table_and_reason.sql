-- How many raw rows each table lost to each rejection reason, largest first.
-- Compile with `dbt compile -s rejections_by_table_and_reason` and run the SQL
-- in target/compiled against the warehouse.
with

rejections as (

    select * from {{ ref('stg_crm__rejections') }}

),

counted as (

    select
        source_table,
        reason_code,
        reason_column,
        count(*) as count_rows

    from rejections

    group by source_table, reason_code, reason_column

)

select * from counted
order by count_rows desc, source_table asc, reason_code asc
