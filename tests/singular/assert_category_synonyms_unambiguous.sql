-- Every synonym of a domain must normalise to a lookup key of its own: two
-- rows of one domain that fold to the same key would duplicate the rows of
-- every model that joins the lookup (and could name two canonical values).
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

ambiguous as (

    select
        domain,
        synonym_key,
        count(*) as count_rows

    from keyed

    group by domain, synonym_key

    having count(*) > 1

)

select * from ambiguous
