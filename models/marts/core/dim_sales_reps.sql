with

sales_reps as (

    select * from {{ ref('stg_crm__sales_reps') }}

),

managers as (

    select * from {{ ref('stg_crm__sales_reps') }}

),

final as (

    select
        cast(sales_reps.rep_id as {{ dbt.type_string() }}) as rep_id,
        cast(sales_reps.full_name as {{ dbt.type_string() }}) as full_name,
        cast(sales_reps.email_hash as {{ dbt.type_string() }}) as email_hash,
        cast(sales_reps.team as {{ dbt.type_string() }}) as team,
        cast(sales_reps.region as {{ dbt.type_string() }}) as region,
        cast(sales_reps.manager_rep_id as {{ dbt.type_string() }}) as manager_rep_id,
        cast(managers.full_name as {{ dbt.type_string() }}) as manager_name,
        cast(sales_reps.hire_date as date) as hire_date,
        cast(sales_reps.employment_status as {{ dbt.type_string() }}) as employment_status,
        cast(sales_reps.is_active as {{ dbt.type_boolean() }}) as is_active,
        cast(sales_reps.updated_at as {{ dbt.type_timestamp() }}) as updated_at

    from sales_reps

    left join managers
        on sales_reps.manager_rep_id = managers.rep_id

)

select * from final
