{{ config(materialized='table') }}

with

category_synonyms as (

    select * from {{ ref('category_synonyms') }}

),

keyed as (

    select
        domain,
        {{ normalize_label('synonym') }} as synonym_key,
        canonical_value

    from category_synonyms

),

final as (

    select distinct
        domain || ':' || synonym_key as category_synonym_id,
        domain,
        synonym_key,
        canonical_value

    from keyed

)

select * from final
