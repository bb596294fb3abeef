{#-
    categorised(relation, lookups, categories='categories'): the category step of
    a base model, a whole select for its `categorised` CTE. Keeps every column
    of relation and adds, per lookup, the canonical value of a free-text label
    through the category synonyms (stg_lookups__category_synonyms, imported by
    the model as the CTE named by categories), null when the label is unknown.
    lookups: list of dicts {label: the normalised label column of relation,
    domain: the synonyms domain, column: the name of the canonical column}.
    A left join per lookup; (domain, synonym_key) is unique in the synonyms, so
    the row count never changes.
-#}
{% macro categorised(relation, lookups, categories='categories') -%}
    select
        {{ relation }}.*
        {%- for lookup in lookups %},
        {{ lookup.column }}_lookup.canonical_value as {{ lookup.column }}
        {%- endfor %}

    from {{ relation }}
    {%- for lookup in lookups %}

    left join {{ categories }} as {{ lookup.column }}_lookup
        on {{ lookup.column }}_lookup.domain = '{{ lookup.domain }}'
        and {{ relation }}.{{ lookup.label }} = {{ lookup.column }}_lookup.synonym_key
    {%- endfor %}
{%- endmacro %}
