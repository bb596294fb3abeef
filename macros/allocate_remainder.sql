{#-
    allocate_remainder(rounded_share, total, partition_by, rank_column):
    largest-remainder allocation of a rounded total to the rows of a group. Each
    row keeps its own rounded share; the row ranked 1 by rank_column also takes
    the remainder, total - sum(rounded_share) over the group, so the shares add
    up exactly to total. rounded_share: the row's share, already rounded (SQL
    expression); total: the group's total, same on every row of the group;
    partition_by: the group's column(s) as SQL text, e.g. 'order_id';
    rank_column: a 1-based rank within the group (1 = the row that takes the
    remainder), e.g. 'remainder_rank'.
-#}
{% macro allocate_remainder(rounded_share, total, partition_by, rank_column) -%}
    case
        when {{ rank_column }} = 1
            then
                {{ rounded_share }}
                + {{ total }}
                - sum({{ rounded_share }}) over (partition by {{ partition_by }})
        else {{ rounded_share }}
    end
{%- endmacro %}
