{#-
    parse_timestamp(column): a timestamp in UTC from the text formats CRM
    exports use, else null (never a build error). Accepted, with an optional
    time (HH:MM or HH:MM:SS[.fff]) after a space or a T:
      YYYY-MM-DD      ISO 8601, optionally ending in Z, UTC or an offset +07:00 / -0500
      DD.MM.YYYY      day first with dots (ru, vi exports)
      MM/DD/YYYY      month first with slashes (en-US exports)
      YYYY/MM/DD      year first with slashes (zh exports)
    A time without a zone is taken as UTC; an offset is subtracted so the result
    is UTC. Impossible dates (2024-02-30) and anything else return null.
-#}
{% macro parse_timestamp(column) -%}
    {%- set zone_pattern = '[+-][0-9]{2}:?[0-9]{2}$' -%}
    {%- set trimmed = 'trim(' ~ column ~ ')' -%}
    {#- 1. drop the zone designator, T -> space -#}
    {%- set body = "replace(regexp_replace(" ~ trimmed ~ ", '\s*(Z|UTC|[+-][0-9]{2}:?[0-9]{2})$', ''), 'T', ' ')" -%}
    {#- 2. reorder the other date layouts into YYYY-MM-DD -#}
    {%- set reordered = "regexp_replace(regexp_replace(regexp_replace(" ~ body
        ~ ", '^([0-9]{1,2})[.]([0-9]{1,2})[.]([0-9]{4})', '\\3-\\2-\\1')"
        ~ ", '^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})', '\\3-\\1-\\2')"
        ~ ", '^([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})', '\\1-\\2-\\3')" -%}
    {#- 3. a time without seconds gets :00 -#}
    {%- set iso = "regexp_replace(" ~ reordered ~ ", ' ([0-9]{1,2}):([0-9]{2})$', ' \\1:\\2:00')" -%}
    {%- set offset_minutes -%}
        case
            when {{ regex_matches(trimmed, zone_pattern) }}
                then (case when substring(right(replace({{ trimmed }}, ':', ''), 5), 1, 1) = '-' then -1 else 1 end)
                    * (
                        cast(substring(right(replace({{ trimmed }}, ':', ''), 5), 2, 2) as {{ dbt.type_int() }}) * 60
                        + cast(substring(right(replace({{ trimmed }}, ':', ''), 5), 4, 2) as {{ dbt.type_int() }})
                    )
            else 0
        end
    {%- endset -%}
    {#- Fast path: ISO 8601 with seconds (optionally T and Z) or a bare date, the shape nearly every
        export writes, needs no reordering and no offset: one pattern match and the cast. -#}
    case
        when {{ regex_matches(column, '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}:[0-9]{2}Z?)?$') }}
            then {{ try_cast_timestamp("replace(replace(" ~ column ~ ", 'T', ' '), 'Z', '')") }}
        when {{ regex_matches(iso, '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}( [0-9]{1,2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,6})?)?$') }}
            then {{ dbt.dateadd('minute', '-1 * (' ~ offset_minutes ~ ')', try_cast_timestamp(iso)) }}
    end
{%- endmacro %}
