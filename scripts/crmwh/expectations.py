"""Great Expectations suites of the warehouse, defined in code and versioned with it.

One function per validated table returns a ``Suite``: the table (or a check query), derived
columns computed in SQL beside it, and the expectation list. ``SUITES`` maps suite names to
these functions; adding a suite for a new mart is one function and one entry in ``SUITES``.

The suites check what the dbt tests do not: value ranges and distributions (money not
negative where it must not be, net <= gross, shares in [0, 1], no negative quantities, dates
not beyond the data's event horizon), row counts against the raw inputs and against the
staging models the marts come from, multi-column rules (net = gross - discount, first order
<= last order, a first purchase not before the customer was created) and the freshness of the
as-of date. Reference values (row counts, the as-of date) are read from the validated
warehouse itself through ``Facts``, never from the wall clock, so a rebuild of the same data
validates the same way.

Equalities between money columns compare a column with a derived column computed in SQL on the
exact decimals (``derived``), so no float arithmetic happens in pandas.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import great_expectations.expectations as gxe
import pandas as pd

from crmwh.contract import CORE_TABLES, TABLES

# A date may lie at most this many days after the later of the as-of date and the latest event
# date (timestamps are UTC; one day absorbs an export that ran around midnight).
EVENT_MARGIN_DAYS = 1
# Oldest plausible business date (orders, customers, hires, launches) and birth date.
EARLIEST_BUSINESS_DATE = pd.Timestamp("1990-01-01")
EARLIEST_BIRTH_DATE = pd.Timestamp("1900-01-01")
# Raw rows staging must accept: at least this share of each raw table of SMALL_TABLE_ROWS rows
# or more, and at most max(MAX_REJECTED_SHARE x raw rows, SMALL_TABLE_REJECTIONS) rejected rows
# per table (a 26-row table with 6 dirty rows is noise, not a broken export).
MIN_ACCEPTED_SHARE = 0.9
MAX_REJECTED_SHARE = 0.1
SMALL_TABLE_ROWS = 100
SMALL_TABLE_REJECTIONS = 10
# Tolerance of sums compared across tables after the float conversion of decimals, per row.
SUM_TOLERANCE_PER_ROW = 0.005
RAW_TABLES: tuple[str, ...] = tuple(table.name for table in TABLES)
EMAIL_PATTERN = r"[^@\s|=]+@[^@\s|=]+\.[A-Za-z]{2,}"
# Phone shapes (RE2, run by DuckDB): "+" and 7+ digits with separators; an area code in
# parentheses; 3-3-4 groups; 10 to 15 digits in a row (not the integer part of a decimal). Not
# glued to letters or digits, so ids, hashes, dates, timestamps and amounts do not match
# (staging masks a wider set of shapes, macros/mask_pii_text.sql).
PHONE_PATTERN = (
    r"(^|[^0-9A-Za-z_])\+[0-9]([ .()-]{0,2}[0-9]){6,}"
    r"|\([0-9]{2,5}\) ?[0-9]{2,4}[ .-]?[0-9]{3,4}([^0-9A-Za-z_]|$)"
    r"|(^|[^0-9A-Za-z_.-])[0-9]{3}[ .-][0-9]{3}[ .-][0-9]{4}([^0-9A-Za-z_-]|$)"
    r"|(^|[^0-9A-Za-z_.,/#$+-])[0-9]{10,15}([^0-9A-Za-z_.,]|[.,]([^0-9]|$)|$)"
)
# Schemas holding the build's input as exported (raw seeds) or as authored (lookup seeds): every
# other schema is written by the build and must hold no personal data in clear.
INPUT_SCHEMAS: tuple[str, ...] = ("raw", "lookups")


@dataclass(frozen=True)
class Suite:
    """What one suite validates.

    ``table`` is the schema-qualified relation loaded into the DataFrame, unless ``query`` is
    given (a check frame computed by SQL, e.g. row counts per raw table). ``derived`` maps
    extra column names to SQL expressions over the table's columns. Only the columns the
    expectations name are loaded.
    """

    table: str
    expectations: list[gxe.Expectation]
    derived: dict[str, str] = field(default_factory=dict)
    query: str | None = None


class Facts:
    """Reference values read from the validated warehouse (read-only connection), memoised."""

    def __init__(self, con: duckdb.DuckDBPyConnection, expected_build_id: str | None = None) -> None:
        self.con = con
        self.expected_build_id = expected_build_id
        self._rows: dict[str, int] = {}
        self._scalars: dict[str, Any] = {}

    def scalar(self, sql: str) -> Any:
        """The first value of a query, memoised by its text: suites asking the same question (leads or
        sessions to the as-of date, customers with a purchase) share one query of the read-only file."""
        if sql not in self._scalars:
            rows = self.con.execute(sql).fetchall()
            self._scalars[sql] = rows[0][0] if rows else None
        return self._scalars[sql]

    @functools.cached_property
    def relations(self) -> frozenset[str]:
        rows = self.con.execute("select table_schema || '.' || table_name from information_schema.tables").fetchall()
        return frozenset(row[0] for row in rows)

    def exists(self, relation: str) -> bool:
        return relation in self.relations

    def rows(self, relation: str) -> int:
        if relation not in self._rows:
            self._rows[relation] = int(self.scalar(f"select count(*) from {relation}"))
        return self._rows[relation]

    def raw_relation(self, raw_table: str) -> str:
        """The loaded raw table, or its base model (every raw row, typed) when raw files were read in place."""
        loaded = f"raw.raw_{raw_table}"
        return loaded if self.exists(loaded) else f"staging.base_crm__{raw_table}"

    @functools.cached_property
    def as_of(self) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        rows = self.con.execute("select as_of_date, latest_event_date from intermediate.int_as_of_date").fetchall()
        if len(rows) != 1:
            return None, None
        return _timestamp(rows[0][0]), _timestamp(rows[0][1])

    @property
    def as_of_date(self) -> pd.Timestamp | None:
        return self.as_of[0]

    @property
    def latest_event_date(self) -> pd.Timestamp | None:
        return self.as_of[1]

    @property
    def horizon(self) -> pd.Timestamp:
        """Latest plausible date of any row: max(as-of, latest event) + EVENT_MARGIN_DAYS.

        With no as-of date at all, the epoch: every date check then fails loudly beside the
        failing as-of checks.
        """
        known = [day for day in self.as_of if day is not None]
        return max(known) + pd.Timedelta(days=EVENT_MARGIN_DAYS) if known else pd.Timestamp("1970-01-01")

    @property
    def first_order_date(self) -> pd.Timestamp | None:
        return _timestamp(self.scalar("select min(order_date) from marts.fct_orders"))

    @property
    def orders_to_as_of(self) -> int:
        return int(
            self.scalar(
                "select count(*) from marts.fct_orders inner join intermediate.int_as_of_date"
                " on fct_orders.order_date <= int_as_of_date.as_of_date"
            )
        )

    @property
    def reporting_currency(self) -> str | None:
        if not self.exists("marts.warehouse_build"):
            return None
        return self.scalar("select max(reporting_currency_code) from marts.warehouse_build")


def _timestamp(value: dt.date | None) -> pd.Timestamp | None:
    return None if value is None else pd.Timestamp(value)


# ---------------------------------------------------------------------------------------------
# Small builders: each expectation says in its description why it must hold.


def non_negative(column: str, what: str = "money") -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeBetween(
        column=column, min_value=0, description=f"{column}: {what} is never negative"
    )


def share(column: str) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeBetween(
        column=column, min_value=0, max_value=1, description=f"{column} is a share, in [0, 1]"
    )


def positive(column: str, what: str) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeBetween(
        column=column, min_value=0, strict_min=True, description=f"{column}: {what} is positive"
    )


def not_after_horizon(column: str, facts: Facts, earliest: pd.Timestamp = EARLIEST_BUSINESS_DATE) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeBetween(
        column=column,
        min_value=earliest,
        max_value=facts.horizon,
        description=(
            f"{column} lies between {earliest.date()} and the data's horizon {facts.horizon.date()}"
            f" (max(as-of date, latest event date) + {EVENT_MARGIN_DAYS} day)"
        ),
    )


def at_least(column_a: str, column_b: str, why: str) -> gxe.Expectation:
    """column_a >= column_b on every row where both are known."""
    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=column_a,
        column_B=column_b,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        description=f"{column_a} >= {column_b}: {why}",
    )


def equals(column: str, derived: str, why: str) -> gxe.Expectation:
    """column equals a derived column on every row (both missing counts as equal)."""
    return gxe.ExpectColumnPairValuesToBeEqual(
        column_A=column, column_B=derived, ignore_row_if="both_values_are_missing", description=f"{column} = {why}"
    )


def row_count_equals(facts: Facts, source: str, why: str) -> gxe.Expectation:
    return gxe.ExpectTableRowCountToEqual(value=facts.rows(source), description=f"row count = rows of {source}: {why}")


def not_empty() -> gxe.Expectation:
    return gxe.ExpectTableRowCountToBeBetween(min_value=1, description="the table is not empty")


def not_empty_when_core(raw_table: str) -> list[gxe.Expectation]:
    """A mart of a core raw table (contract CORE_TABLES) is never empty; one of an optional table may be:
    a minimal export (customers, products, orders, order lines) leaves every other table header-only."""
    return [not_empty()] if raw_table in CORE_TABLES else []


def sum_close_to(column: str, value: float, rows: int, why: str) -> gxe.Expectation:
    tolerance = SUM_TOLERANCE_PER_ROW * max(rows, 1)
    return gxe.ExpectColumnSumToBeBetween(
        column=column, min_value=value - tolerance, max_value=value + tolerance, description=f"sum({column}) = {why}"
    )


REPORTING_KNOWN = "has_reporting_amounts"


def reporting_known_sql(money: list[str]) -> str:
    """SQL: true unless an original amount is known and its reporting-currency amount (or net revenue) is null."""
    missing = [f"({column} is not null and {column}_reporting is null)" for column in money]
    missing.append("(net_amount is not null and net_revenue_reporting is null)")
    return f"not ({' or '.join(missing)})"


def reporting_amounts_known() -> gxe.Expectation:
    """Missing fx rates never make money disappear: a row with an original amount has its reporting amounts."""
    return gxe.ExpectColumnValuesToBeInSet(
        column=REPORTING_KNOWN,
        value_set=[True],
        description=(
            "every original amount has its reporting-currency amount and net revenue: an order without an fx rate"
            " is rejected in staging (missing_fx_rate), never published with null money"
        ),
    )


# ---------------------------------------------------------------------------------------------
# Core marts.


def fct_orders(facts: Facts) -> Suite:
    money = ["gross_amount", "discount_amount", "net_amount"]
    reporting = [f"{column}_reporting" for column in money] + ["cost_reporting"]
    return Suite(
        table="marts.fct_orders",
        derived={
            "gross_minus_discount": "gross_amount - discount_amount",
            "gross_minus_discount_reporting": "gross_amount_reporting - discount_amount_reporting",
            REPORTING_KNOWN: reporting_known_sql(money),
        },
        expectations=[
            not_empty(),
            row_count_equals(facts, "staging.stg_crm__orders", "one row per accepted order"),
            reporting_amounts_known(),
            *[non_negative(column) for column in money + reporting],
            equals("net_amount", "gross_minus_discount", "gross_amount - discount_amount"),
            equals("net_amount_reporting", "gross_minus_discount_reporting", "gross - discount, reporting currency"),
            at_least("gross_amount", "discount_amount", "a discount never exceeds the order value"),
            at_least("net_amount_reporting", "net_revenue_reporting", "net revenue is the net amount or 0"),
            non_negative("net_revenue_reporting"),
            gxe.ExpectColumnValuesToBeBetween(
                column="net_revenue_reporting",
                min_value=0,
                max_value=0,
                row_condition="is_revenue_order == False",
                condition_parser="pandas",
                description="net_revenue_reporting is 0 on cancelled and refunded orders",
            ),
            non_negative("item_count", "a count"),
            at_least("units", "item_count", "every line orders at least one unit"),
            positive("fx_rate_to_reporting", "an exchange rate"),
            gxe.ExpectColumnSumToBeBetween(
                column="item_count",
                min_value=facts.rows("marts.fct_order_items"),
                max_value=facts.rows("marts.fct_order_items"),
                description="sum(item_count) = rows of marts.fct_order_items: every line belongs to one order",
            ),
            not_after_horizon("order_date", facts),
            *(
                [
                    gxe.ExpectColumnValuesToBeInSet(
                        column="reporting_currency_code",
                        value_set=[currency],
                        description="every order in the build's reporting currency",
                    )
                ]
                if (currency := facts.reporting_currency)
                else []
            ),
        ],
    )


def fct_order_items(facts: Facts) -> Suite:
    money = ["unit_price", "gross_amount", "discount_amount", "net_amount", "unit_cost", "cost_amount"]
    reporting = ["gross_amount_reporting", "discount_amount_reporting", "net_amount_reporting", "cost_reporting"]
    return Suite(
        table="marts.fct_order_items",
        derived={
            "gross_minus_discount": "gross_amount - discount_amount",
            "discount_share": "case when gross_amount > 0 then discount_amount / gross_amount end",
            REPORTING_KNOWN: reporting_known_sql(["gross_amount", "discount_amount", "net_amount"]),
        },
        expectations=[
            not_empty(),
            row_count_equals(facts, "staging.stg_crm__order_items", "one row per accepted order line"),
            reporting_amounts_known(),
            gxe.ExpectColumnValuesToBeBetween(
                column="quantity", min_value=1, description="quantity: a line orders at least one unit"
            ),
            *[non_negative(column) for column in money + reporting],
            equals("net_amount", "gross_minus_discount", "gross_amount - discount_amount"),
            share("discount_share"),
            positive("fx_rate_to_reporting", "an exchange rate"),
            positive("cost_fx_rate_to_reporting", "an exchange rate"),
            not_after_horizon("order_date", facts),
        ],
    )


def dim_customers(facts: Facts) -> Suite:
    orders_to_as_of = facts.orders_to_as_of
    revenue_to_as_of = float(
        facts.scalar(
            "select coalesce(sum(net_revenue_reporting), 0) from marts.fct_orders"
            " inner join intermediate.int_as_of_date on fct_orders.order_date <= int_as_of_date.as_of_date"
        )
    )
    as_of = facts.as_of_date or facts.horizon
    return Suite(
        table="marts.dim_customers",
        derived={"created_date": "cast(created_at as date)", "purchase_count_positive": "purchase_count > 0"},
        expectations=[
            not_empty(),
            row_count_equals(facts, "staging.stg_crm__customers", "one row per accepted customer"),
            at_least("last_order_date", "first_order_date", "first order on or before last order"),
            at_least("last_purchase_date", "first_purchase_date", "first purchase on or before last purchase"),
            at_least("first_purchase_date", "first_order_date", "a purchase is an order"),
            at_least("last_order_date", "last_purchase_date", "a purchase is an order"),
            at_least("first_order_date", "created_date", "no order before the customer was created"),
            at_least("first_purchase_date", "created_date", "no purchase before the customer was created"),
            gxe.ExpectColumnValuesToBeBetween(
                column="last_order_date",
                max_value=as_of,
                description=f"last_order_date <= as-of date {as_of.date()}: history counts orders to the as-of date",
            ),
            at_least("order_count", "purchase_count", "purchases are revenue orders among all orders"),
            non_negative("purchase_count", "a count"),
            equals("has_purchased", "purchase_count_positive", "purchase_count > 0"),
            non_negative("lifetime_net_revenue_reporting"),
            at_least("lifetime_net_revenue_reporting", "lifetime_gross_margin_reporting", "margin = revenue - cost"),
            gxe.ExpectColumnSumToBeBetween(
                column="order_count",
                min_value=orders_to_as_of,
                max_value=orders_to_as_of,
                description="sum(order_count) = fct_orders rows to the as-of date",
            ),
            sum_close_to(
                "lifetime_net_revenue_reporting",
                revenue_to_as_of,
                facts.rows("marts.dim_customers"),
                "fct_orders net revenue to the as-of date",
            ),
            not_after_horizon("created_at", facts),
            at_least("updated_at", "created_at", "a record is updated after it is created"),
            not_after_horizon("birth_date", facts, earliest=EARLIEST_BIRTH_DATE),
        ],
    )


def dim_products(facts: Facts) -> Suite:
    return Suite(
        table="marts.dim_products",
        derived={"price_minus_cost": "list_price - unit_cost"},
        expectations=[
            not_empty(),
            row_count_equals(facts, "staging.stg_crm__products", "one row per accepted product"),
            non_negative("list_price"),
            non_negative("unit_cost"),
            equals("unit_margin", "price_minus_cost", "list_price - unit_cost"),
            not_after_horizon("launched_at", facts),
        ],
    )


def dim_sales_reps(facts: Facts) -> Suite:
    return Suite(
        table="marts.dim_sales_reps",
        derived={"is_own_manager": "coalesce(manager_rep_id = rep_id, false)"},
        expectations=[
            *not_empty_when_core("sales_reps"),
            row_count_equals(facts, "staging.stg_crm__sales_reps", "one row per accepted sales rep"),
            gxe.ExpectColumnValuesToBeInSet(
                column="is_own_manager", value_set=[False], description="no rep is their own manager"
            ),
            not_after_horizon("hire_date", facts),
        ],
    )


def dim_dates(facts: Facts) -> Suite:
    first_order = facts.first_order_date
    last_needed = facts.as_of_date
    span_days = facts.scalar("select datediff('day', min(date_day), max(date_day)) + 1 from marts.dim_dates")
    return Suite(
        table="marts.dim_dates",
        expectations=[
            not_empty(),
            gxe.ExpectTableRowCountToEqual(
                value=int(span_days or 0), description="one row per day from the first to the last: no gaps"
            ),
            *(
                [
                    gxe.ExpectColumnMinToBeBetween(
                        column="date_day", max_value=first_order, description="the calendar starts by the first order"
                    )
                ]
                if first_order is not None
                else []
            ),
            *(
                [
                    gxe.ExpectColumnMaxToBeBetween(
                        column="date_day", min_value=last_needed, description="the calendar reaches the as-of date"
                    )
                ]
                if last_needed is not None
                else []
            ),
            gxe.ExpectColumnValuesToBeBetween(column="month", min_value=1, max_value=12, description="a month"),
            gxe.ExpectColumnValuesToBeBetween(
                column="day_of_month", min_value=1, max_value=31, description="a day of a month"
            ),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Build metadata, as-of date, staging row counts and rejections.


def warehouse_build(facts: Facts) -> Suite:
    expected = facts.expected_build_id
    return Suite(
        table="marts.warehouse_build",
        derived={
            "has_build_as_of_date": (
                "coalesce(as_of_date = (select max(as_of_date) from intermediate.int_as_of_date), false)"
            )
        },
        expectations=[
            gxe.ExpectTableRowCountToEqual(value=1, description="exactly one row: the build of this file"),
            gxe.ExpectColumnValuesToNotBeNull(column="build_id", description="the build is named"),
            gxe.ExpectColumnValuesToNotBeNull(column="dbt_version", description="the dbt version is recorded"),
            gxe.ExpectColumnValuesToBeInSet(
                column="has_build_as_of_date", value_set=[True], description="as_of_date = int_as_of_date.as_of_date"
            ),
            *(
                [
                    gxe.ExpectColumnValuesToBeInSet(
                        column="build_id", value_set=[expected], description="the file is the build being published"
                    )
                ]
                if expected
                else []
            ),
        ],
    )


def int_as_of_date(facts: Facts) -> Suite:
    first_order = facts.first_order_date or EARLIEST_BUSINESS_DATE
    latest = facts.latest_event_date or facts.horizon
    not_later_than = latest + pd.Timedelta(days=EVENT_MARGIN_DAYS)
    return Suite(
        table="intermediate.int_as_of_date",
        expectations=[
            gxe.ExpectTableRowCountToEqual(value=1, description="one as-of date per warehouse"),
            gxe.ExpectColumnValuesToNotBeNull(column="as_of_date", description="the as-of date is known"),
            gxe.ExpectColumnValuesToNotBeNull(column="latest_event_date", description="the data has events"),
            gxe.ExpectColumnValuesToBeBetween(
                column="as_of_date",
                min_value=first_order,
                max_value=not_later_than,
                description=(
                    f"as_of_date within the data: from the first order {first_order.date()} to the latest event"
                    f" + {EVENT_MARGIN_DAYS} day ({not_later_than.date()}), never in the data's future"
                ),
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="as_of_date_source", value_set=["var", "latest_event_date"], description="a known source"
            ),
        ],
    )


def raw_row_counts_query(facts: Facts) -> str:
    parts = [
        f"select '{name}' as source_table,"
        f" (select count(*) from {facts.raw_relation(name)}) as raw_rows,"
        f" (select count(*) from staging.stg_crm__{name}) as accepted_rows"
        for name in RAW_TABLES
    ]
    return f"""
        with counts as ({" union all ".join(parts)}),
        rejected as (
            select source_table, count(*) as rejected_rows from staging.stg_crm__rejections group by source_table
        )
        select
            counts.source_table,
            counts.raw_rows,
            counts.accepted_rows,
            coalesce(rejected.rejected_rows, 0) as rejected_rows,
            counts.raw_rows >= {SMALL_TABLE_ROWS} as is_large,
            counts.source_table in ({", ".join(f"'{name}'" for name in CORE_TABLES)}) as is_core,
            counts.accepted_rows / nullif(counts.raw_rows, 0) as accepted_share,
            greatest(ceil({MAX_REJECTED_SHARE} * counts.raw_rows), {SMALL_TABLE_REJECTIONS}) as rejection_allowance
        from counts
        left join rejected on counts.source_table = rejected.source_table
    """


def staging_row_counts(facts: Facts) -> Suite:
    return Suite(
        table="check.raw_row_counts",
        query=raw_row_counts_query(facts),
        expectations=[
            gxe.ExpectTableRowCountToEqual(value=len(RAW_TABLES), description="one row per contract raw table"),
            gxe.ExpectColumnValuesToBeBetween(
                column="accepted_share",
                min_value=MIN_ACCEPTED_SHARE,
                max_value=1,
                row_condition="is_large == True",
                condition_parser="pandas",
                description=(
                    f"staging accepts at least {MIN_ACCEPTED_SHARE:.0%} of each raw table of"
                    f" {SMALL_TABLE_ROWS} rows or more"
                ),
            ),
            at_least(
                "rejection_allowance",
                "rejected_rows",
                f"at most max({MAX_REJECTED_SHARE:.0%} of the raw rows, {SMALL_TABLE_REJECTIONS}) rejected per table",
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="accepted_rows",
                min_value=1,
                row_condition="is_core == True",
                condition_parser="pandas",
                description=(
                    f"every core raw table ({', '.join(CORE_TABLES)}) has accepted rows; the others may be header-only"
                ),
            ),
        ],
    )


def stg_crm__rejections(facts: Facts) -> Suite:
    raw_total = sum(facts.rows(facts.raw_relation(name)) for name in RAW_TABLES)
    allowance = max(math.ceil(MAX_REJECTED_SHARE * raw_total), SMALL_TABLE_REJECTIONS)
    return Suite(
        table="staging.stg_crm__rejections",
        expectations=[
            gxe.ExpectTableRowCountToBeBetween(
                max_value=allowance,
                description=f"rejections <= {MAX_REJECTED_SHARE:.0%} of all {raw_total} raw rows",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="source_table", value_set=list(RAW_TABLES), description="a contract raw table"
            ),
            gxe.ExpectColumnValuesToNotBeNull(column="raw_values", description="a rejected row keeps its evidence"),
            gxe.ExpectColumnValuesToNotMatchRegex(
                column="raw_values", regex=EMAIL_PATTERN, description="no raw email address: emails are hashed"
            ),
        ],
    )


def text_columns(facts: Facts) -> list[tuple[str, str, str]]:
    """(schema, table, column) of every text column of every table and view the build wrote."""
    excluded = ", ".join(f"'{schema}'" for schema in INPUT_SCHEMAS)
    return facts.con.execute(
        "select table_schema, table_name, column_name from information_schema.columns"
        f" where data_type = 'VARCHAR' and table_schema not in ({excluded}) order by all"
    ).fetchall()


def matches(column: str, pattern: str) -> str:
    """SQL: the column matches the pattern. An email has an "@": the regular expression only runs on the
    cells holding one (DuckDB evaluates a CASE branch on its rows only; an AND runs both sides on every row),
    the same count for a fifth of the time."""
    found = f"regexp_matches({column}, '{pattern}')"
    return f"case when contains({column}, '@') then {found} else false end" if pattern == EMAIL_PATTERN else found


def pii_counts(facts: Facts) -> list[tuple[str, int, int]]:
    """(schema.table.column, cells with an email-shaped text, cells with a phone-shaped text) of
    every text column the build wrote; one scan per table, no value leaves DuckDB."""
    tables: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in text_columns(facts):
        tables.setdefault((schema, table), []).append(column)
    counts: list[tuple[str, int, int]] = []
    for (schema, table), columns in tables.items():
        cells = [
            "count(*) filter (where " + matches(f'"{column}"', pattern) + ")"
            for column in columns
            for pattern in (EMAIL_PATTERN, PHONE_PATTERN)
        ]
        row = facts.con.execute(f'select {", ".join(cells)} from "{schema}"."{table}"').fetchone() or ()
        counts += [
            (f"{schema}.{table}.{column}", int(row[2 * index]), int(row[2 * index + 1]))
            for index, column in enumerate(columns)
        ]
    return counts


def pii_in_text(facts: Facts) -> Suite:
    """No email or phone in clear in any text column of any schema the build writes.

    The frame holds counts per column, never a value; the descriptions name the columns found.
    """
    counts = pii_counts(facts)
    rows = ", ".join(f"('{column}', {emails}, {phones})" for column, emails, phones in counts)
    query = (
        f"select * from (values {rows}) as scanned (text_column, email_cells, phone_cells)"
        if rows
        else "select cast(null as varchar) as text_column, 0 as email_cells, 0 as phone_cells where false"
    )
    found = {
        kind: [column for column, *cells in counts if cells[index]] for index, kind in enumerate(("email", "phone"))
    }
    schemas = sorted({column.split(".")[0] for column, *_ in counts})
    scope = (
        f"any text column of {', '.join(schemas) or 'the warehouse'} (input schemas {', '.join(INPUT_SCHEMAS)} aside)"
    )
    return Suite(
        table="check.pii_in_text",
        query=query,
        expectations=[
            gxe.ExpectTableRowCountToBeBetween(min_value=1, description="the warehouse has text columns to scan"),
            *(
                gxe.ExpectColumnValuesToBeBetween(
                    column=f"{kind}_cells",
                    min_value=0,
                    max_value=0,
                    description=f"no {kind}-shaped text in {scope}"
                    + (f"; found in {', '.join(found[kind][:20])}" if found[kind] else ""),
                )
                for kind in ("email", "phone")
            ),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Sales: leads and the shared lead pool (DECISIONLOG.md, "Sales: leads and the shared lead pool").

LEADS_TO_AS_OF = (
    "staging.stg_crm__leads inner join intermediate.int_as_of_date"
    " on cast(stg_crm__leads.created_at as date) <= int_as_of_date.as_of_date"
)
POOL_COUNTS = ["release_count", "claim_count", "reclaim_count", "freeze_count", "restore_count"]


def always_true(column: str, why: str) -> gxe.Expectation:
    """A derived boolean rule holds on every row."""
    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], description=why)


def sum_equals(column: str, value: int, why: str) -> gxe.Expectation:
    return gxe.ExpectColumnSumToBeBetween(column=column, min_value=value, max_value=value, description=why)


def fct_lead_pool(facts: Facts) -> Suite:
    leads = int(facts.scalar(f"select count(*) from {LEADS_TO_AS_OF}") or 0)
    as_of = facts.as_of_date or facts.horizon
    return Suite(
        table="marts.fct_lead_pool",
        derived={
            "unattended_unless_converted": "(days_unattended is null) = (pool_state = 'converted')",
            "converted_state_when_converted": "is_converted = (pool_state = 'converted')",
            "due_only_when_owned": "not is_due_to_pool or pool_state = 'owned'",
            "pooled_when_in_pool": "pool_state <> 'in_pool' or is_ever_pooled",
            "last_event_date": "cast(last_event_at as date)",
        },
        expectations=[
            *not_empty_when_core("leads"),
            gxe.ExpectTableRowCountToEqual(
                value=leads, description="one row per accepted lead created to the as-of date"
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="pool_state", value_set=["owned", "in_pool", "frozen", "converted"], description="a known state"
            ),
            *[non_negative(column, "a count of events") for column in [*POOL_COUNTS, "out_of_sequence_event_count"]],
            non_negative("days_unattended", "a number of days"),
            always_true(
                "unattended_unless_converted", "days_unattended is known exactly when the lead is not converted"
            ),
            always_true("converted_state_when_converted", "a converted lead is in state converted: conversion wins"),
            always_true("due_only_when_owned", "only an owned lead can be due to the pool"),
            always_true("pooled_when_in_pool", "a lead in the pool entered it at least once"),
            gxe.ExpectColumnValuesToBeBetween(
                column="last_event_date",
                max_value=as_of,
                description=f"no pool event after the as-of date {as_of.date()} counts",
            ),
            not_after_horizon("created_at", facts),
        ],
    )


def rpt_lead_conversion_monthly(facts: Facts) -> Suite:
    leads = int(facts.scalar(f"select count(*) from {LEADS_TO_AS_OF}") or 0)
    sessions = int(
        facts.scalar(
            "select count(*) from staging.stg_crm__web_sessions inner join intermediate.int_as_of_date"
            " on cast(stg_crm__web_sessions.started_at as date) <= int_as_of_date.as_of_date"
        )
        or 0
    )
    counts = ["web_sessions", "leads_created", "leads_converted_to_opportunity", "leads_converted_to_customer"]
    return Suite(
        table="marts.rpt_lead_conversion_monthly",
        expectations=[
            *not_empty_when_core("leads"),
            gxe.ExpectColumnValuesToBeUnique(
                column="lead_conversion_month_key", description="one row per month and lead source"
            ),
            *[non_negative(column, "a count") for column in [*counts, "leads_abandoned"]],
            *[
                share(column)
                for column in ["opportunity_conversion_rate", "customer_conversion_rate", "abandonment_rate"]
            ],
            non_negative("traffic_to_lead_rate", "a rate"),
            non_negative("median_days_to_opportunity", "a number of days"),
            non_negative("median_days_to_customer", "a number of days"),
            at_least("leads_created", "leads_converted_to_opportunity", "converted leads are among the created ones"),
            at_least("leads_created", "leads_converted_to_customer", "converted leads are among the created ones"),
            at_least("leads_created", "leads_abandoned", "abandoned leads are among the created ones"),
            sum_equals(
                "leads_created", 2 * leads, "twice the leads to the as-of date: once under their source, once under all"
            ),
            sum_equals(
                "web_sessions",
                2 * sessions,
                "twice the sessions to the as-of date: once under their source, once under all",
            ),
        ],
    )


def rpt_lead_pool_weekly(facts: Facts) -> Suite:
    weeks = int(
        facts.scalar(
            "select coalesce(datediff('day', min(week_start_date), max(week_start_date)) / 7 + 1, 0)"
            " from marts.rpt_lead_pool_weekly"
        )
        or 0
    )
    releases = int(
        facts.scalar("select count(*) from intermediate.int_lead_pool_events_sequenced where event_type = 'released'")
        or 0
    )
    as_of = facts.as_of_date or facts.horizon
    counts = ["pool_size_at_week_end", "frozen_at_week_end", "releases", "claims", "reclaims", "freezes", "restores"]
    return Suite(
        table="marts.rpt_lead_pool_weekly",
        derived={"claims_and_reclaims": "claims + reclaims"},
        expectations=[
            *not_empty_when_core("leads"),
            gxe.ExpectTableRowCountToEqual(
                value=weeks, description="one row per week from the first to the last: no gaps"
            ),
            *[non_negative(column, "a count") for column in counts],
            non_negative("leads_claimed_from_pool", "a count"),
            non_negative("leads_never_pooled", "a count"),
            non_negative("median_days_in_pool", "a number of days"),
            share("claimed_conversion_rate"),
            share("never_pooled_conversion_rate"),
            at_least(
                "claims_and_reclaims", "leads_claimed_from_pool", "a lead is taken from the pool by a claim or reclaim"
            ),
            at_least("week_end_date", "measured_on_date", "sizes are measured within the week"),
            gxe.ExpectColumnValuesToBeBetween(
                column="measured_on_date",
                max_value=as_of,
                description=f"nothing is measured after the as-of date {as_of.date()}",
            ),
            sum_equals("releases", releases, "every release to the as-of date falls in one week"),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Sales marts: opportunities, stage transitions, funnel.

FUNNEL_GROUP = "partition by cohort_month, breakdown_dimension, breakdown_value"


def is_true(column: str, why: str) -> gxe.Expectation:
    """A derived boolean column holds on every row."""
    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], description=f"{column}: {why}")


def fct_opportunities(facts: Facts) -> Suite:
    created_to_as_of = int(
        facts.scalar(
            "select count(*) from staging.stg_crm__opportunities inner join intermediate.int_as_of_date"
            " on cast(stg_crm__opportunities.created_at as date) <= int_as_of_date.as_of_date"
        )
    )
    return Suite(
        table="marts.fct_opportunities",
        derived={
            "furthest_covers_current": "stage_name = 'closed_lost' or furthest_stage_order >= stage_order",
            "won_reached_the_end": "not is_won or furthest_stage_order = 5",
            "cycle_only_when_closed": "(sales_cycle_days is not null) = is_closed",
        },
        expectations=[
            gxe.ExpectTableRowCountToEqual(
                value=created_to_as_of,
                description="one row per accepted opportunity created on or before the as-of date",
            ),
            non_negative("amount"),
            non_negative("amount_reporting"),
            non_negative("weighted_amount_reporting"),
            at_least("amount_reporting", "weighted_amount_reporting", "a weight is a probability, at most 1"),
            share("stage_probability"),
            share("crm_stage_probability"),
            positive("fx_rate_to_reporting", "an exchange rate"),
            non_negative("sales_cycle_days", "a duration"),
            is_true("cycle_only_when_closed", "a sales cycle exactly for the closed deals"),
            at_least("actual_close_date", "created_date", "a deal closes on or after its creation"),
            gxe.ExpectColumnValuesToBeBetween(
                column="furthest_stage_order", min_value=1, max_value=5, description="a funnel stage, 1 to 5"
            ),
            is_true("furthest_covers_current", "an open or won deal reached at least its current stage"),
            is_true("won_reached_the_end", "a won deal reached the last stage"),
            gxe.ExpectColumnValuesToBeBetween(
                column="stages_entered_count", min_value=1, description="every deal entered the funnel"
            ),
            not_after_horizon("created_date", facts),
            *(
                [
                    gxe.ExpectColumnValuesToBeInSet(
                        column="reporting_currency_code",
                        value_set=[currency],
                        description="every deal in the build's reporting currency",
                    )
                ]
                if (currency := facts.reporting_currency)
                else []
            ),
        ],
    )


def fct_opportunity_stage_transitions(facts: Facts) -> Suite:
    return Suite(
        table="marts.fct_opportunity_stage_transitions",
        derived={"last_entry_has_no_exit": "is_last_entry = (exited_at is null)"},
        expectations=[
            row_count_equals(
                facts, "intermediate.int_opportunity_stages_ordered", "one row per stage entry up to the as-of date"
            ),
            non_negative("days_in_stage", "a duration"),
            at_least("exited_at", "entered_at", "a stage is left after it is entered"),
            gxe.ExpectColumnValuesToBeBetween(
                column="stage_order", min_value=1, max_value=5, description="a stage, 1 to 5"
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="previous_stage_order", min_value=0, max_value=5, description="0 before the first entry"
            ),
            gxe.ExpectColumnValuesToBeBetween(column="entry_number", min_value=1, description="entries count from 1"),
            is_true("last_entry_has_no_exit", "only the last entry of a deal is still open"),
            not_after_horizon("entered_at", facts),
        ],
    )


def rpt_funnel_conversion_monthly(facts: Facts) -> Suite:
    lead = "case when stage_order = 1 then reached_count else 0 end"
    return Suite(
        table="marts.rpt_funnel_conversion_monthly",
        derived={
            "cumulative_rise": (
                f"cumulative_conversion_rate - lag(cumulative_conversion_rate) over ({FUNNEL_GROUP} order by stage_order)"
            ),
            "reached_rise": f"reached_count - lag(reached_count) over ({FUNNEL_GROUP} order by stage_order)",
            "one_minus_conversion": "1 - stage_conversion_rate",
            "stages_in_group": f"count(*) over ({FUNNEL_GROUP})",
            "largest_drop_offs_in_group": (
                f"sum(case when is_largest_drop_off then 1 else 0 end) over ({FUNNEL_GROUP})"
            ),
            "breakdown_covers_cohort": (
                f"sum({lead}) over (partition by cohort_month, breakdown_dimension) * 5"
                f" = sum({lead}) over (partition by cohort_month)"
            ),
            "entered_in_all": f"case when breakdown_dimension = 'all' then {lead} else 0 end",
        },
        expectations=[
            share("stage_conversion_rate"),
            share("cumulative_conversion_rate"),
            share("drop_off_rate"),
            equals("drop_off_rate", "one_minus_conversion", "1 - stage_conversion_rate"),
            gxe.ExpectColumnValuesToBeBetween(
                column="cumulative_rise",
                max_value=0,
                description="cumulative conversion never rises from one stage to the next (cohort and breakdown)",
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="reached_rise",
                max_value=0,
                description="opportunities reaching a stage never outnumber those reaching the stage before",
            ),
            non_negative("median_days_in_stage", "a duration"),
            gxe.ExpectColumnValuesToBeInSet(
                column="stages_in_group", value_set=[5], description="five funnel stages per cohort and breakdown"
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="largest_drop_offs_in_group",
                value_set=[1],
                description="exactly one largest drop-off per cohort and breakdown",
            ),
            is_true(
                "breakdown_covers_cohort", "each breakdown dimension splits the cohort's opportunities exactly once"
            ),
            gxe.ExpectColumnSumToBeBetween(
                column="entered_in_all",
                min_value=facts.rows("marts.fct_opportunities"),
                max_value=facts.rows("marts.fct_opportunities"),
                description="the cohorts of breakdown all hold every row of marts.fct_opportunities once",
            ),
            not_after_horizon("cohort_month", facts),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Later marts: add one function each and register it below. Rules already agreed:
#   service     nps in [-100, 100]; csat share in [0, 1]; ces within its scale; response and
#               resolution hours >= 0; escalation and reopen rates in [0, 1]
#   retention   churn, renewal and revenue-retention rates in [0, 1] (net revenue retention
#               >= 0, may exceed 1); mrr >= 0; movements sum to the change in mrr
#   sales       conversion and win rates in [0, 1]; cumulative conversion not increasing by
#               stage; weighted pipeline <= open pipeline; cycle days >= 0
#   customers   rfm scores in 1..5; probability alive in [0, 1]; clv >= 0
#   marketing   email rates in [0, 1]; cac >= 0 where spend and new customers exist
#   kpis        one row per month, no gaps; each kpi within the bounds of its source mart

# ---------------------------------------------------------------------------------------------
# Sales: rep performance and the pipeline forecast.


def at_least_one(column: str, what: str) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=1, description=f"{column}: {what} is 1 or more")


def count_sum_equals(column: str, value: int, why: str) -> gxe.Expectation:
    return gxe.ExpectColumnSumToBeBetween(
        column=column, min_value=value, max_value=value, description=f"sum({column}) = {value}: {why}"
    )


def rpt_sales_rep_performance_monthly(facts: Facts) -> Suite:
    closed = (
        "select count(*) filter (where is_won), count(*) filter (where not is_won) from marts.fct_opportunities"
        " inner join intermediate.int_as_of_date on fct_opportunities.actual_close_date <= int_as_of_date.as_of_date"
        " where is_closed and owner_rep_id is not null"
    )
    won, lost = facts.con.execute(closed).fetchone() or (0, 0)
    counts = [
        "deals_created_count",
        "deals_won_count",
        "deals_lost_count",
        "open_deals_count",
        "activities_completed_count",
        *(f"{kind}s_completed_count" for kind in ("call", "email", "meeting", "visit", "note")),
    ]
    money = [
        "pipeline_created_reporting",
        "bookings_reporting",
        "lost_amount_reporting",
        "open_pipeline_reporting",
        "weighted_pipeline_reporting",
        "quota_amount",
        "quota_reporting",
    ]
    to_date = "over (partition by rep_id order by month_start rows between unbounded preceding and current row)"
    return Suite(
        table="marts.rpt_sales_rep_performance_monthly",
        derived={
            "bookings_to_date": f"sum(bookings_reporting) {to_date}",
            "pipeline_created_to_date": f"sum(pipeline_created_reporting) {to_date}",
            "activities_by_type": (
                "calls_completed_count + emails_completed_count + meetings_completed_count"
                " + visits_completed_count + notes_completed_count"
            ),
        },
        expectations=[
            *not_empty_when_core("opportunities"),
            share("win_rate_by_count"),
            share("win_rate_by_amount"),
            non_negative("quota_attainment", "attainment"),
            *[non_negative(column, "a count") for column in counts],
            *[non_negative(column) for column in money],
            non_negative("avg_won_cycle_days", "a cycle length"),
            non_negative("median_won_cycle_days", "a cycle length"),
            at_least_one("bookings_rank_in_team", "a rank"),
            at_least_one("bookings_rank_in_company", "a rank"),
            at_least("bookings_rank_in_company", "bookings_rank_in_team", "no team has more reps than the company"),
            at_least("open_pipeline_reporting", "weighted_pipeline_reporting", "stage probabilities are at most 1"),
            at_least(
                "pipeline_created_to_date",
                "bookings_to_date",
                "bookings never above pipeline created: per rep, the bookings to date never exceed the amount of"
                " the deals created to date (a won deal is created on or before it closes, same owner, same amount)",
            ),
            equals("activities_completed_count", "activities_by_type", "the sum of the per-type counts"),
            count_sum_equals("deals_won_count", int(won), "deals won on or before the as-of date (fct_opportunities)"),
            count_sum_equals(
                "deals_lost_count", int(lost), "deals lost on or before the as-of date (fct_opportunities)"
            ),
        ],
    )


def rpt_pipeline_forecast(facts: Facts) -> Suite:
    open_deals = int(
        facts.scalar(
            "select count(*) from intermediate.int_opportunity_month_ends inner join intermediate.int_as_of_date"
            " on int_opportunity_month_ends.month_end_date = int_as_of_date.as_of_date"
        )
        or 0
    )
    return Suite(
        table="marts.rpt_pipeline_forecast",
        derived={
            "quota_minus_closed_won": "quota_reporting - closed_won_reporting",
            "coverage_null_when_nothing_to_cover": (
                "(pipeline_coverage is null) = coalesce(quota_remaining_reporting <= 0, true)"
            ),
        },
        expectations=[
            *not_empty_when_core("opportunities"),
            non_negative("pipeline_coverage", "coverage"),
            *[
                non_negative(column, "a count")
                for column in ("open_deals_count", "overdue_open_deals_count", "closed_won_count")
            ],
            *[
                non_negative(column)
                for column in (
                    "open_amount_reporting",
                    "weighted_amount_reporting",
                    "quota_reporting",
                    "closed_won_reporting",
                )
            ],
            at_least("open_amount_reporting", "weighted_amount_reporting", "stage probabilities are at most 1"),
            at_least("open_deals_count", "overdue_open_deals_count", "overdue deals are open deals"),
            equals("quota_remaining_reporting", "quota_minus_closed_won", "quota_reporting - closed_won_reporting"),
            gxe.ExpectColumnValuesToBeInSet(
                column="coverage_null_when_nothing_to_cover",
                value_set=[True],
                description="pipeline_coverage is null exactly when there is no quota or nothing left to cover",
            ),
            count_sum_equals(
                "open_deals_count",
                2 * open_deals,
                "every deal open at the as-of date is counted once in its team's row and once in the company row",
            ),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Customer value: RFM.

RFM_SEGMENTS = [
    "champions",
    "loyal",
    "potential_loyalist",
    "new",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cannot_lose",
    "hibernating",
    "lost",
]
RFM_NOT_A_CUSTOMER = "not_a_customer"


def rfm_score(column: str) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeBetween(
        column=column, min_value=1, max_value=5, description=f"{column} is an RFM quintile score, 1 to 5"
    )


def rfm_segment(column: str, extra: tuple[str, ...] = ()) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeInSet(
        column=column,
        value_set=[*RFM_SEGMENTS, *extra],
        description=f"{column} is one of the 11 segments of the seed rfm_segment_map"
        + "".join(f" or {value}" for value in extra),
    )


def rfm_customers(facts: Facts) -> int:
    """Customers with a revenue purchase day on or before the as-of date: the rows of fct_customer_rfm."""
    return int(facts.scalar("select count(distinct customer_id) from intermediate.int_customer_purchase_days") or 0)


def fct_customer_rfm(facts: Facts) -> Suite:
    return Suite(
        table="marts.fct_customer_rfm",
        derived={
            "score_sum": "recency_score + frequency_score + monetary_score",
            "score_digits": (
                "cast(recency_score as varchar) || cast(frequency_score as varchar) || cast(monetary_score as varchar)"
            ),
            "recency_from_dates": "as_of_date - last_purchase_date",
        },
        expectations=[
            *not_empty_when_core("orders"),
            gxe.ExpectTableRowCountToEqual(
                value=rfm_customers(facts),
                description="one row per customer with a revenue purchase day on or before the as-of date",
            ),
            *[
                rfm_score(column)
                for column in ("recency_score", "frequency_score", "monetary_score", "frequency_monetary_score")
            ],
            rfm_segment("rfm_segment"),
            rfm_segment("previous_rfm_segment"),
            non_negative("recency_days", "a number of days"),
            at_least_one("frequency", "purchase days of a customer"),
            non_negative("monetary_reporting"),
            at_least("last_purchase_date", "first_purchase_date", "the last purchase is not before the first"),
            at_least("as_of_date", "last_purchase_date", "purchases count up to the as-of date"),
            not_after_horizon("last_purchase_date", facts),
            equals("rfm_total", "score_sum", "recency_score + frequency_score + monetary_score"),
            equals("rfm_score", "score_digits", "the three scores as digits, R then F then M"),
            equals("recency_days", "recency_from_dates", "days from last_purchase_date to the as-of date"),
        ],
    )


def rpt_rfm_segments(facts: Facts) -> Suite:
    return Suite(
        table="marts.rpt_rfm_segments",
        expectations=[
            gxe.ExpectTableRowCountToEqual(
                value=len(RFM_SEGMENTS), description="every segment of the seed rfm_segment_map, empty or not"
            ),
            rfm_segment("rfm_segment"),
            share("customer_share"),
            share("revenue_share"),
            non_negative("customer_count", "a count"),
            non_negative("revenue_reporting"),
            non_negative("avg_recency_days", "a number of days"),
            at_least_one("avg_frequency", "an average of purchase days"),
            count_sum_equals(
                "customer_count", rfm_customers(facts), "every customer of fct_customer_rfm is in one segment"
            ),
        ],
    )


def rpt_rfm_segment_movement(facts: Facts) -> Suite:
    return Suite(
        table="marts.rpt_rfm_segment_movement",
        expectations=[
            rfm_segment("previous_rfm_segment", (RFM_NOT_A_CUSTOMER,)),
            rfm_segment("rfm_segment"),
            share("previous_segment_share"),
            at_least_one("customer_count", "customers of a movement row"),
            at_least("previous_segment_customer_count", "customer_count", "a pair holds part of its previous segment"),
            count_sum_equals(
                "customer_count", rfm_customers(facts), "every customer of fct_customer_rfm is in one movement"
            ),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Customer value: CLV (issue 10). The Python-model tables (clv_model_parameters,
# rpt_clv_holdout_check) exist on DuckDB, the only engine validation reads.

CLV_PARAMETERS = ("r", "alpha", "a", "b", "p", "q", "gamma")


def fct_customer_clv(facts: Facts) -> Suite:
    purchasers = int(facts.scalar("select count(*) from marts.dim_customers where purchase_count > 0") or 0)
    return Suite(
        table="marts.fct_customer_clv",
        derived={"repeats_plus_first": "repeat_purchase_days + 1"},
        expectations=[
            gxe.ExpectTableRowCountToEqual(
                value=purchasers, description="one row per customer with a revenue order to the as-of date"
            ),
            non_negative("net_revenue_reporting"),
            non_negative("formula_clv_reporting", "a CLV"),
            non_negative("predicted_clv_reporting", "a CLV"),
            share("probability_alive"),
            share("margin_share"),
            non_negative("expected_purchases_horizon", "an expected count"),
            non_negative("discounted_expected_purchases_horizon", "an expected count"),
            non_negative("expected_average_spend_reporting"),
            non_negative("purchase_rate_per_year", "a rate"),
            at_least(
                "expected_purchases_horizon",
                "discounted_expected_purchases_horizon",
                "discount factors are at most 1",
            ),
            at_least("order_count", "purchase_days", "a purchase day holds one or more orders"),
            equals("purchase_days", "repeats_plus_first", "repeat_purchase_days + 1"),
        ],
    )


def clv_model_parameters(facts: Facts) -> Suite:
    return Suite(
        table="marts.clv_model_parameters",
        expectations=[
            gxe.ExpectTableRowCountToEqual(value=2, description="one row per calibration: as_of and holdout"),
            *[positive(column, "a BG/NBD or Gamma-Gamma parameter") for column in CLV_PARAMETERS],
            *[
                gxe.ExpectColumnValuesToNotBeNull(column=column, description=f"{column} was fitted")
                for column in CLV_PARAMETERS
            ],
            *[
                gxe.ExpectColumnValuesToBeInSet(
                    column=column, value_set=[True], description=f"{column}: the optimiser converged"
                )
                for column in ("is_bgnbd_converged", "is_gamma_gamma_converged")
            ],
            at_least("customers_fitted", "customers_with_repeats", "Gamma-Gamma fits the customers with repeats"),
        ],
    )


def rpt_clv_holdout_check(facts: Facts) -> Suite:
    return Suite(
        table="marts.rpt_clv_holdout_check",
        expectations=[
            not_empty(),
            *[non_negative(column, "a count") for column in ("customers", "actual_purchases", "predicted_purchases")],
            non_negative("mean_absolute_error", "an error"),
            positive("customers", "a bucket holds customers"),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Customer value: cohort retention, profitability, product affinity, next products.


def share_not_zero(column: str) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeBetween(
        column=column, min_value=0, max_value=1, strict_min=True, description=f"{column} is a share, in (0, 1]"
    )


def rpt_cohort_retention(facts: Facts) -> Suite:
    revenue = float(facts.scalar("select coalesce(sum(lifetime_net_revenue_reporting), 0) from marts.dim_customers"))
    buyers = int(facts.scalar("select count(*) from marts.dim_customers where has_purchased"))
    return Suite(
        table="marts.rpt_cohort_retention",
        derived={
            "cohort_size_if_month_zero": "case when months_since = 0 then cohort_size else 0 end",
            "month_zero_all_active": "months_since <> 0 or active_customer_count = cohort_size",
        },
        expectations=[
            *not_empty_when_core("orders"),
            non_negative("months_since", "months since the cohort month"),
            at_least_one("cohort_size", "a cohort's size"),
            non_negative("active_customer_count", "a count"),
            at_least("cohort_size", "active_customer_count", "the active customers are members of the cohort"),
            share("retention_share"),
            non_negative("net_revenue_reporting"),
            non_negative("month_zero_net_revenue_reporting"),
            non_negative("revenue_retention_rate", "a revenue ratio"),
            is_true("month_zero_all_active", "every member of a cohort bought in the cohort month"),
            count_sum_equals("cohort_size_if_month_zero", buyers, "every buyer (dim_customers) is in one cohort"),
            sum_close_to(
                "net_revenue_reporting",
                revenue,
                facts.rows("marts.rpt_cohort_retention"),
                "the net revenue of every purchase to the as-of date (dim_customers)",
            ),
        ],
    )


def fct_customer_profitability(facts: Facts) -> Suite:
    allocated = float(
        facts.scalar(
            "select coalesce(sum(allocated_reporting), 0) from intermediate.int_customer_retention_spend_pooled"
        )
    )
    return Suite(
        table="marts.fct_customer_profitability",
        derived={
            "support_plus_retention": "support_cost_reporting + retention_spend_reporting",
            "margin_minus_cost": "gross_margin_reporting - cost_to_serve_reporting",
        },
        expectations=[
            row_count_equals(facts, "marts.dim_customers", "one row per customer"),
            *[
                non_negative(column)
                for column in (
                    "net_revenue_reporting",
                    "support_cost_reporting",
                    "retention_spend_reporting",
                    "cost_to_serve_reporting",
                )
            ],
            non_negative("support_ticket_count", "a count"),
            non_negative("retention_campaign_count", "a count"),
            gxe.ExpectColumnValuesToBeBetween(
                column="profit_margin_share",
                max_value=1,
                description="profit_margin_share is at most 1 (profit never exceeds net revenue; it may be negative)",
            ),
            equals("cost_to_serve_reporting", "support_plus_retention", "support cost + retention spend"),
            equals("profit_reporting", "margin_minus_cost", "gross margin - cost to serve"),
            sum_close_to(
                "retention_spend_reporting",
                allocated,
                facts.rows("marts.fct_customer_profitability"),
                "the retention spend pools allocate (int_customer_retention_spend_pooled.allocated_reporting)",
            ),
        ],
    )


def rpt_product_affinity(facts: Facts) -> Suite:
    return Suite(
        table="marts.rpt_product_affinity",
        derived={"pair_in_order": "product_a_id < product_b_id"},
        expectations=[
            positive("lift", "lift"),
            share_not_zero("pair_support"),
            share_not_zero("confidence_a_to_b"),
            share_not_zero("confidence_b_to_a"),
            at_least_one("pair_order_count", "a pair's order count"),
            at_least("product_a_order_count", "pair_order_count", "orders with both hold a"),
            at_least("product_b_order_count", "pair_order_count", "orders with both hold b"),
            at_least("total_order_count", "product_a_order_count", "every order with a is an order"),
            at_least("total_order_count", "product_b_order_count", "every order with b is an order"),
            is_true("pair_in_order", "one row per unordered pair, product_a_id < product_b_id"),
        ],
    )


def fct_customer_next_products(facts: Facts) -> Suite:
    return Suite(
        table="marts.fct_customer_next_products",
        derived={
            "ranks_without_gaps": "recommendation_rank <= count(*) over (partition by customer_id)",
            "not_its_own_antecedent": "product_id <> antecedent_product_id",
        },
        expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="recommendation_rank", min_value=1, max_value=3, description="recommendation_rank is 1, 2 or 3"
            ),
            positive("lift", "lift"),
            share_not_zero("confidence"),
            share_not_zero("pair_support"),
            is_true("ranks_without_gaps", "a customer's ranks run 1, 2, ... without gaps"),
            is_true("not_its_own_antecedent", "a product is never recommended from itself"),
        ],
    )


def customer_360(facts: Facts) -> Suite:
    """The wide customer row: one per customer of dim_customers; each area's columns keep their own marts'
    ranges, and a customer who bought has an RFM segment and a cohort."""
    return Suite(
        table="marts.customer_360",
        derived={
            "segment_known_if_bought": "rfm_segment is not null or not has_purchased",
            "cohort_known_if_bought": "cohort_month is not null or not has_purchased",
            "churn_risk_known_iff_active": "(churn_risk_band is not null) = is_active",
            "active_as_count": "case when is_active then 1 else 0 end",
        },
        expectations=[
            not_empty(),
            row_count_equals(facts, "marts.dim_customers", "one row per customer of dim_customers"),
            gxe.ExpectColumnValuesToBeUnique(column="customer_id", description="one row per customer"),
            is_true("segment_known_if_bought", "a customer who bought has an RFM segment (fct_customer_rfm)"),
            is_true("cohort_known_if_bought", "a customer who bought has a cohort month"),
            rfm_segment("rfm_segment"),
            share("probability_alive"),
            non_negative("formula_clv_reporting", "a CLV"),
            non_negative("predicted_clv_reporting", "a CLV"),
            non_negative("cost_to_serve_reporting"),
            non_negative("support_ticket_count", "a count"),
            is_true(
                "churn_risk_known_iff_active", "a churn risk band exactly for the customers active at the as-of date"
            ),
            count_sum_equals(
                "active_as_count", customers_active_at(facts, "current"), "the customers active at the as-of date"
            ),
            non_negative("mrr_reporting", "MRR"),
            sum_close_to(
                "mrr_reporting",
                float(
                    facts.scalar(
                        "select coalesce(sum(mrr_reporting), 0) from marts.fct_customer_months as months"
                        " inner join intermediate.int_as_of_date as as_of on months.month_end_date = as_of.as_of_date"
                    )
                    or 0
                ),
                facts.rows("marts.customer_360"),
                "the MRR of the as-of month in fct_customer_months",
            ),
        ],
    )


# Retention: customer-months, MRR movements, churn and retention cost.

MRR_BRIDGE = (
    "starting_mrr_reporting + new_mrr_reporting + expansion_mrr_reporting - contraction_mrr_reporting"
    " - churned_mrr_reporting + reactivation_mrr_reporting = ending_mrr_reporting"
)


def fct_customer_months(facts: Facts) -> Suite:
    customers = "select count(distinct customer_id) from intermediate.int_customer_activity_periods"
    with_periods = int(facts.scalar(customers))
    # a customer with a period that contains a day (not a contract cancelled before it started) has months
    with_active_days = int(
        facts.scalar(f"{customers} where period_end_date is null or period_end_date >= period_start_date")
    )
    return Suite(
        table="marts.fct_customer_months",
        derived={
            "first_row_of_customer": (
                "case when row_number() over (partition by customer_id order by month_start_date) = 1 then 1 else 0 end"
            ),
            "basis_when_active": "(activity_basis is not null) = is_active",
            "mrr_only_on_contracts": "mrr_reporting = 0 or activity_basis = 'contract'",
            "churn_needs_active_start": "not is_churned or is_active_at_start",
            "movement_when_mrr": "(mrr_movement is not null) = (mrr_reporting > 0 or mrr_at_start_reporting > 0)",
        },
        expectations=[
            *not_empty_when_core("orders"),
            non_negative("mrr_reporting", "MRR"),
            non_negative("mrr_at_start_reporting", "MRR"),
            non_negative("net_revenue_reporting"),
            non_negative("order_count", "a count"),
            non_negative("ticket_count", "a count"),
            gxe.ExpectColumnValuesToBeBetween(
                column="latest_nps_score",
                min_value=0,
                max_value=10,
                description="latest_nps_score is on the 0-10 scale",
            ),
            is_true("basis_when_active", "an activity basis exactly when the customer is active at the month end"),
            is_true("mrr_only_on_contracts", "MRR only comes from a contract in force"),
            is_true("churn_needs_active_start", "only a customer active at the start of the month churns in it"),
            is_true("movement_when_mrr", "an MRR movement exactly when there is MRR at either end of the month"),
            gxe.ExpectColumnSumToBeBetween(
                column="first_row_of_customer",
                min_value=with_active_days,
                max_value=with_periods,
                description=(
                    "every customer with an active day in int_customer_activity_periods has months,"
                    " and only customers with activity periods"
                ),
            ),
        ],
    )


def rpt_mrr_movements_monthly(facts: Facts) -> Suite:
    movements = ("new", "expansion", "contraction", "churned", "reactivation", "unchanged")
    return Suite(
        table="marts.rpt_mrr_movements_monthly",
        derived={
            "bridge_balances": MRR_BRIDGE,
            "starts_where_last_month_ended": (
                "starting_mrr_reporting = coalesce(lag(ending_mrr_reporting) over (order by month_start_date), 0)"
            ),
        },
        expectations=[
            row_count_equals(facts, "intermediate.int_retention_months_spined", "one row per month"),
            non_negative("starting_mrr_reporting", "MRR"),
            non_negative("ending_mrr_reporting", "MRR"),
            *[non_negative(f"{name}_mrr_reporting", "an MRR movement") for name in movements],
            *[non_negative(f"{name}_customer_count", "a count") for name in movements],
            is_true("bridge_balances", "starting + new + expansion - contraction - churned + reactivation = ending"),
            is_true("starts_where_last_month_ended", "the starting MRR is the previous month's ending MRR"),
        ],
    )


def rpt_churn_monthly(facts: Facts) -> Suite:
    return Suite(
        table="marts.rpt_churn_monthly",
        derived={"churned_and_contraction_mrr": "churned_mrr_reporting + contraction_mrr_reporting"},
        expectations=[
            *not_empty_when_core("orders"),
            share("logo_churn_rate"),
            share("revenue_churn_rate"),
            share("gross_revenue_retention_rate"),
            gxe.ExpectColumnValuesToBeBetween(
                column="net_revenue_retention_rate",
                min_value=0,
                description="net_revenue_retention_rate is >= 0; it may exceed 1 (expansion), so it is no share",
            ),
            non_negative("starting_mrr_reporting", "MRR"),
            non_negative("churned_mrr_reporting", "MRR"),
            non_negative("contraction_mrr_reporting", "MRR"),
            non_negative("expansion_mrr_reporting", "MRR"),
            at_least("customers_at_start_count", "churned_customer_count", "only customers active at start churn"),
            at_least(
                "starting_mrr_reporting",
                "churned_and_contraction_mrr",
                "the MRR lost in a month is part of the MRR at its start",
            ),
        ],
    )


def rpt_retention_cost_monthly(facts: Facts) -> Suite:
    spend = float(
        facts.scalar("select coalesce(sum(spend_reporting), 0) from intermediate.int_customer_retention_spend_pooled")
    )
    return Suite(
        table="marts.rpt_retention_cost_monthly",
        expectations=[
            non_negative("retention_spend_reporting"),
            non_negative("retention_cost_per_retained_customer_reporting"),
            at_least("customers_at_start_count", "retained_customer_count", "a retained customer was active at start"),
            at_least("spend_row_count", "unconverted_spend_row_count", "unconverted rows are spend rows"),
            sum_close_to(
                "retention_spend_reporting",
                spend,
                facts.rows("marts.rpt_retention_cost_monthly"),
                "the retention spend of every pool (int_customer_retention_spend_pooled)",
            ),
        ],
    )


SuiteFactory = Callable[[Facts], Suite]

# ---------------------------------------------------------------------------------------------
# Retention: renewals, churn risk, alerts and the back-test.

CHURN_RISK_BANDS = ["high", "medium", "low"]
CHURN_RISK_MAX_SCORE = 10  # the weights of the seed churn_risk_next_steps add up to 10


def customers_active_at(facts: Facts, reference_point: str) -> int:
    """Customers active (an activity period contains the day) at a reference date of the churn risk score."""
    return int(
        facts.scalar(
            "select count(distinct periods.customer_id) from intermediate.int_customer_activity_periods as periods"
            " inner join intermediate.int_churn_risk_reference_dates as reference_dates"
            f" on reference_dates.reference_point = '{reference_point}'"
            " and periods.period_start_date <= reference_dates.reference_date"
            " and (periods.period_end_date is null or periods.period_end_date >= reference_dates.reference_date)"
        )
        or 0
    )


def churn_risk_band(column: str, extra: tuple[str, ...] = ()) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeInSet(
        column=column,
        value_set=[*CHURN_RISK_BANDS, *extra],
        description=f"{column} is high, medium or low" + "".join(f" or {value}" for value in extra),
    )


def churn_risk_score(column: str) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeBetween(
        column=column,
        min_value=0,
        max_value=CHURN_RISK_MAX_SCORE,
        description=f"{column} is a sum of signal weights, 0 to {CHURN_RISK_MAX_SCORE}",
    )


def rpt_renewals(facts: Facts) -> Suite:
    return Suite(
        table="marts.rpt_renewals",
        derived={"outcomes": "renewed_count + churned_count + pending_count"},
        expectations=[
            share("renewal_rate"),
            positive("reached_count", "a month row holds contracts that reached their end"),
            *[non_negative(column, "a count") for column in ("renewed_count", "churned_count", "pending_count")],
            equals("reached_count", "outcomes", "renewed + churned + pending: every contract has one outcome"),
            gxe.ExpectColumnValuesToBeInSet(
                column="breakdown_dimension", value_set=["all", "plan", "segment"], description="the breakdowns"
            ),
        ],
    )


def fct_churn_risk(facts: Facts) -> Suite:
    return Suite(
        table="marts.fct_churn_risk",
        expectations=[
            gxe.ExpectTableRowCountToEqual(
                value=customers_active_at(facts, "current"),
                description="one row per customer active at the as-of date: the band counts add up to them",
            ),
            gxe.ExpectColumnValuesToBeUnique(column="customer_id", description="one row per customer"),
            churn_risk_score("churn_risk_score"),
            churn_risk_band("churn_risk_band"),
            gxe.ExpectColumnValuesToBeBetween(
                column="fired_signal_count", min_value=0, max_value=6, description="six signals at most"
            ),
            non_negative("days_since_last_contact", "a number of days"),
            non_negative("days_to_contract_end", "a number of days (contracts in force end on or after today)"),
            gxe.ExpectColumnValuesToBeBetween(
                column="latest_nps_score", min_value=0, max_value=10, description="an NPS answer, 0 to 10"
            ),
        ],
    )


def rpt_churn_risk_alerts(facts: Facts) -> Suite:
    high = int(facts.scalar("select count(*) from marts.fct_churn_risk where churn_risk_band = 'high'") or 0)
    return Suite(
        table="marts.rpt_churn_risk_alerts",
        expectations=[
            gxe.ExpectTableRowCountToEqual(value=high, description="every customer of the high band, once"),
            gxe.ExpectColumnValuesToBeUnique(column="alert_rank", description="one customer per rank"),
            churn_risk_score("churn_risk_score"),
            non_negative("mrr_reporting", "MRR"),
            non_negative("value_at_risk_reporting"),
            gxe.ExpectColumnValuesToNotBeNull(column="churn_risk_reasons", description="every alert says why"),
            gxe.ExpectColumnValuesToNotBeNull(column="suggested_next_steps", description="and what to do"),
        ],
    )


def rpt_churn_risk_backtest(facts: Facts) -> Suite:
    scored = customers_active_at(facts, "backtest")
    return Suite(
        table="marts.rpt_churn_risk_backtest",
        query=(
            "select churn_risk_band, customer_count, churned_count, churn_rate, customer_share, churn_recall,"
            " lift_over_low from marts.rpt_churn_risk_backtest where churn_risk_band <> 'all' and customer_basis = 'all'"
        ),
        expectations=[
            gxe.ExpectTableRowCountToEqual(
                value=3, description="one row per band of every customer (the 'all' rows and the bases left out here)"
            ),
            churn_risk_band("churn_risk_band"),
            count_sum_equals("customer_count", scored, "the band counts add up to the customers active then"),
            *[share(column) for column in ("churn_rate", "customer_share", "churn_recall")],
            non_negative("lift_over_low", "a ratio of rates"),
            at_least("customer_count", "churned_count", "the churned are customers of the band"),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Service: satisfaction and channel preference.

SURVEY_BANDS = {
    "nps": ("promoter", "passive", "detractor"),
    "csat": ("satisfied", "not_satisfied"),
    "ces": ("low_effort", "medium_effort", "high_effort"),
}
SATISFACTION_BREAKDOWNS = ("all", "segment", "channel", "product", "country")
CONTACT_CHANNELS = ("email", "phone", "chat", "web", "in_app", "social", "in_person")


def fct_survey_responses(facts: Facts) -> Suite:
    answered = int(
        facts.scalar(
            "select count(*) from intermediate.int_survey_responses_normalised as responses"
            " inner join intermediate.int_as_of_date as as_of on responses.responded_date <= as_of.as_of_date"
        )
    )
    band_of_type = " or ".join(
        f"(survey_type = '{kind}' and response_band in ({', '.join(repr(band) for band in bands)}))"
        for kind, bands in SURVEY_BANDS.items()
    )
    return Suite(
        table="marts.fct_survey_responses",
        derived={
            "score_within_scale": "score between scale_min and scale_max and scale_min < scale_max",
            "band_of_its_type": band_of_type,
        },
        expectations=[
            gxe.ExpectTableRowCountToEqual(
                value=answered, description="every accepted answer on or before the as-of date, once"
            ),
            gxe.ExpectColumnValuesToBeUnique(column="response_id", description="one row per answer"),
            share("normalised_score"),
            is_true("score_within_scale", "the answer lies within the scale it was asked on"),
            is_true("band_of_its_type", "the band belongs to the survey type (NPS, CSAT or CES bands)"),
            not_after_horizon("responded_date", facts),
        ],
    )


def rpt_satisfaction_monthly(facts: Facts) -> Suite:
    answered = facts.rows("marts.fct_survey_responses")
    return Suite(
        table="marts.rpt_satisfaction_monthly",
        derived={
            "nps_counts_add_up": "nps_promoter_count + nps_passive_count + nps_detractor_count = nps_response_count",
            "ces_counts_add_up": (
                "ces_low_effort_count + ces_medium_effort_count + ces_high_effort_count = ces_response_count"
            ),
            "type_counts_add_up": "nps_response_count + csat_response_count + ces_response_count = response_count",
            "scores_only_from_enough_answers": (
                "(nps_score is null or nps_response_count >= min_survey_responses)"
                " and (csat_score is null or csat_response_count >= min_survey_responses)"
                " and (ces_score is null or ces_response_count >= min_survey_responses)"
            ),
            "flags_say_why_null": (
                "nps_below_minimum = (nps_response_count < min_survey_responses)"
                " and csat_below_minimum = (csat_response_count < min_survey_responses)"
                " and ces_below_minimum = (ces_response_count < min_survey_responses)"
            ),
            **{
                f"{dimension}_responses": (
                    f"case when breakdown_dimension = '{dimension}' then response_count else 0 end"
                )
                for dimension in SATISFACTION_BREAKDOWNS
            },
        },
        expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="nps_score", min_value=-100, max_value=100, description="NPS lies in [-100, 100]"
            ),
            share("csat_score"),
            gxe.ExpectColumnValuesToBeBetween(
                column="ces_score",
                min_value=0,
                max_value=1,
                description="CES is an average normalised effort: within its scale, [0, 1]",
            ),
            *[non_negative(f"{kind}_response_count", "a count") for kind in ("nps", "csat", "ces")],
            at_least("csat_response_count", "csat_satisfied_count", "the satisfied are CSAT answers"),
            is_true("nps_counts_add_up", "promoters + passives + detractors = NPS answers"),
            is_true("ces_counts_add_up", "low + medium + high effort = CES answers"),
            is_true("type_counts_add_up", "NPS + CSAT + CES answers = all answers"),
            is_true("scores_only_from_enough_answers", "no score from fewer than min_survey_responses answers"),
            is_true("flags_say_why_null", "the below-minimum flags follow the counts"),
            gxe.ExpectColumnValuesToBeInSet(
                column="breakdown_dimension", value_set=list(SATISFACTION_BREAKDOWNS), description="the breakdowns"
            ),
            *[
                count_sum_equals(
                    f"{dimension}_responses",
                    answered,
                    f"every answer of fct_survey_responses once in the {dimension} rows",
                )
                for dimension in SATISFACTION_BREAKDOWNS
            ],
        ],
    )


def rpt_channel_preference(facts: Facts) -> Suite:
    channel_counts = " + ".join(f"{channel}_contact_count" for channel in CONTACT_CHANNELS)
    return Suite(
        table="marts.rpt_channel_preference",
        derived={
            "sources_add_up": "ticket_contact_count + survey_contact_count + activity_contact_count = contact_count",
            "channels_add_up": f"{channel_counts} + other_contact_count = contact_count",
            "preferred_when_contacted": "(preferred_channel is not null) = (contact_count > 0)",
            "preferred_is_the_most_used": (
                "preferred_channel_contact_count is null or preferred_channel_contact_count >= greatest("
                + ", ".join(f"{channel}_contact_count" for channel in CONTACT_CHANNELS)
                + ")"
            ),
        },
        expectations=[
            row_count_equals(facts, "marts.dim_customers", "one row per customer"),
            gxe.ExpectColumnValuesToBeUnique(column="customer_id", description="one row per customer"),
            non_negative("contact_count", "a count"),
            share("preferred_channel_share"),
            at_least(
                "contact_count", "preferred_channel_contact_count", "the preferred channel's contacts are contacts"
            ),
            is_true("sources_add_up", "ticket + survey + activity contacts = contacts"),
            is_true("channels_add_up", "the contacts per channel add up to the contacts"),
            is_true("preferred_when_contacted", "a preferred channel exactly when the customer had a contact"),
            is_true("preferred_is_the_most_used", "no channel has more contacts than the preferred one"),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Service: tickets, service levels and repeat issues.

SLA_STATUSES = ["met", "missed", "pending"]


def tickets_to_as_of(facts: Facts) -> int:
    """Accepted support tickets created on or before the as-of date: the rows of fct_tickets."""
    return int(
        facts.scalar(
            "select count(*) from staging.stg_crm__support_tickets inner join intermediate.int_as_of_date"
            " on cast(stg_crm__support_tickets.created_at as date) <= int_as_of_date.as_of_date"
        )
        or 0
    )


def fct_tickets(facts: Facts) -> Suite:
    return Suite(
        table="marts.fct_tickets",
        expectations=[
            gxe.ExpectTableRowCountToEqual(
                value=tickets_to_as_of(facts), description="one row per accepted ticket created by the as-of date"
            ),
            gxe.ExpectColumnValuesToBeUnique(column="ticket_id", description="one row per ticket"),
            non_negative("first_response_hours", "a time"),
            non_negative("resolution_hours", "a time"),
            non_negative("open_hours_at_as_of", "a time"),
            positive("first_response_target_hours", "an SLA target"),
            positive("resolution_target_hours", "an SLA target"),
            *[
                gxe.ExpectColumnValuesToBeInSet(
                    column=column, value_set=SLA_STATUSES, description=f"{column} is met, missed or pending"
                )
                for column in ("first_response_sla_status", "resolution_sla_status")
            ],
            non_negative("reopened_count", "a count"),
        ],
    )


def rpt_service_monthly(facts: Facts) -> Suite:
    return Suite(
        table="marts.rpt_service_monthly",
        derived={"all_ticket_count": "case when breakdown_dimension = 'all' then ticket_count else 0 end"},
        expectations=[
            count_sum_equals("all_ticket_count", tickets_to_as_of(facts), "the 'all' rows count every ticket once"),
            *[non_negative(column, "a time") for column in ("median_first_response_hours", "median_resolution_hours")],
            at_least("p90_first_response_hours", "median_first_response_hours", "p90 is never below the median"),
            at_least("p90_resolution_hours", "median_resolution_hours", "p90 is never below the median"),
            *[
                share(column)
                for column in (
                    "first_response_sla_attainment_rate",
                    "resolution_sla_attainment_rate",
                    "escalation_rate",
                    "reopen_rate",
                )
            ],
            at_least("ticket_count", "first_responded_ticket_count", "responded tickets are tickets of the month"),
            at_least("ticket_count", "resolved_ticket_count", "resolved tickets are tickets of the month"),
            gxe.ExpectColumnValuesToBeInSet(
                column="breakdown_dimension",
                value_set=["all", "channel", "priority", "category", "product"],
                description="the breakdowns",
            ),
        ],
    )


def rpt_repeat_issues(facts: Facts) -> Suite:
    return Suite(
        table="marts.rpt_repeat_issues",
        expectations=[
            count_sum_equals("ticket_count", tickets_to_as_of(facts), "every ticket in one product and category"),
            gxe.ExpectColumnValuesToBeUnique(column="repeat_rank", description="one issue per rank"),
            *[share(column) for column in ("repeat_ticket_share", "repeat_customer_share")],
            at_least_one("tickets_per_customer", "tickets per customer who raised the issue"),
            at_least("ticket_count", "repeat_ticket_count", "repeat tickets are tickets of the issue"),
            at_least("customer_count", "repeat_customer_count", "repeat customers are customers of the issue"),
        ],
    )


def rpt_repeat_issue_customers(facts: Facts) -> Suite:
    customers = facts.scalar("select coalesce(sum(repeat_customer_count), 0) from marts.rpt_repeat_issues")
    return Suite(
        table="marts.rpt_repeat_issue_customers",
        derived={"first_tickets": "ticket_count - repeat_ticket_count"},
        expectations=[
            gxe.ExpectTableRowCountToEqual(
                value=int(customers or 0), description="one row per repeat customer of each rpt_repeat_issues row"
            ),
            at_least_one("repeat_ticket_count", "the row's repeat tickets"),
            at_least_one("first_tickets", "a repeat follows an earlier ticket of the same issue: tickets - repeats"),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Marketing: touchpoints, campaigns, CAC and web conversion.


def month_all_equals_channels(column: str, dimension: str, extra: str = "0") -> str:
    """SQL: true unless the row is the month's 'all' row and its column differs from the month's other rows' sum
    (plus ``extra``, an SQL expression of what counts in 'all' only)."""
    return (
        f"case when {dimension} = 'all' then {column} = coalesce(sum(case when {dimension} != 'all' then {column} end)"
        f" over (partition by month_start_date), 0) + {extra} else true end"
    )


def fct_touchpoints(facts: Facts) -> Suite:
    converted = int(
        facts.scalar(
            "select count(*) from intermediate.int_customer_revenue_attributed where first_touchpoint_id is not null"
        )
        or 0
    )
    return Suite(
        table="marts.fct_touchpoints",
        derived={
            "first_touches": "case when is_first_touch then 1 else 0 end",
            "last_touches": "case when is_last_touch then 1 else 0 end",
            "flag_on_converted_only": "is_converted_customer or not (is_first_touch or is_last_touch)",
            "before_conversion": "converted_at is null or touched_at <= converted_at",
        },
        expectations=[
            count_sum_equals("first_touches", converted, "one first touch per new customer with a touch"),
            count_sum_equals("last_touches", converted, "one last touch per new customer with a touch"),
            is_true("flag_on_converted_only", "only a converted customer's touches are flagged first or last"),
            is_true("before_conversion", "a converted customer's touches are at or before the first revenue order"),
            at_least_one("touch_number", "a touch's position"),
            at_least("person_touch_count", "touch_number", "the last touch's number is the person's touch count"),
            gxe.ExpectColumnValuesToBeInSet(
                column="touch_type", value_set=["web_session", "lead_created", "email_click"], description="touch kinds"
            ),
        ],
    )


def rpt_campaign_performance(facts: Facts) -> Suite:
    spend = float(
        facts.scalar("select coalesce(sum(spend_reporting), 0) from intermediate.int_marketing_spend_converted")
    )
    new_customers = int(facts.scalar("select count(*) from intermediate.int_customer_acquisitions_valued") or 0)
    return Suite(
        table="marts.rpt_campaign_performance",
        derived={
            "roi_null_without_spend": "spend_reporting > 0 or (marketing_roi_first_touch is null"
            " and marketing_roi_last_touch is null)",
        },
        expectations=[
            non_negative("spend_reporting"),
            non_negative("attributed_revenue_first_touch_reporting", "net revenue of new customers"),
            sum_close_to(
                "spend_reporting",
                spend,
                facts.rows("marts.rpt_campaign_performance"),
                "every spend row of int_marketing_spend_converted, once",
            ),
            count_sum_equals("new_customers_first_touch", new_customers, "every new customer on one first-touch row"),
            count_sum_equals("new_customers_last_touch", new_customers, "every new customer on one last-touch row"),
            is_true("roi_null_without_spend", "ROI is null when the campaign has no spend"),
            *[
                share(column)
                for column in ("delivered_rate", "open_rate", "click_through_rate", "unsubscribe_rate", "bounce_rate")
            ],
            at_least("spend_row_count", "unconverted_spend_row_count", "unconverted rows are spend rows"),
        ],
    )


def rpt_cac_monthly(facts: Facts) -> Suite:
    all_only = float(
        facts.scalar(
            "select coalesce(sum(spend_reporting), 0) from intermediate.int_marketing_spend_converted"
            " where acquisition_channel is null"
        )
    )
    new_customers = int(facts.scalar("select count(*) from intermediate.int_customer_acquisitions_valued") or 0)
    return Suite(
        table="marts.rpt_cac_monthly",
        derived={
            "all_new_customers": "case when acquisition_channel = 'all' then new_customer_count else 0 end",
            "all_new_customers_add_up": month_all_equals_channels("new_customer_count", "acquisition_channel"),
            "all_net_new_revenue_adds_up": month_all_equals_channels(
                "net_new_revenue_reporting", "acquisition_channel"
            ),
            "all_spend_unmapped": "case when acquisition_channel = 'all' then marketing_spend_reporting"
            " else -marketing_spend_reporting end",
            "cac_null_without_customers": "new_customer_count > 0 or cac_reporting is null",
        },
        expectations=[
            *[
                non_negative(column)
                for column in ("marketing_spend_reporting", "cac_reporting", "attributed_revenue_reporting")
            ],
            count_sum_equals("all_new_customers", new_customers, "the 'all' rows count every new customer once"),
            is_true("all_new_customers_add_up", "each month's 'all' row = the sum of its channel rows"),
            is_true("all_net_new_revenue_adds_up", "each month's 'all' net new revenue = the sum of its channel rows"),
            sum_close_to(
                "all_spend_unmapped",
                all_only,
                facts.rows("marts.rpt_cac_monthly"),
                "the 'all' spend is the channel rows' plus the spend of channels without an acquisition channel",
            ),
            is_true("cac_null_without_customers", "CAC is null in a month without a new customer"),
            at_least("spend_row_count", "unconverted_spend_row_count", "unconverted rows are spend rows"),
        ],
    )


def rpt_web_conversion_monthly(facts: Facts) -> Suite:
    sessions = int(
        facts.scalar(
            "select count(*) from staging.stg_crm__web_sessions inner join intermediate.int_as_of_date"
            " on cast(stg_crm__web_sessions.started_at as date) <= int_as_of_date.as_of_date"
        )
        or 0
    )
    return Suite(
        table="marts.rpt_web_conversion_monthly",
        derived={
            "all_sessions": "case when traffic_source = 'all' then sessions else 0 end",
            "all_sessions_add_up": month_all_equals_channels("sessions", "traffic_source"),
            "all_leads_add_up": month_all_equals_channels("leads", "traffic_source"),
        },
        expectations=[
            count_sum_equals("all_sessions", sessions, "the 'all' rows count every session to the as-of date once"),
            is_true("all_sessions_add_up", "each month's 'all' sessions = the sum of its page rows"),
            is_true("all_leads_add_up", "each month's 'all' leads = the sum of its page rows"),
            at_least("sessions", "visitors", "a visitor has at least one session"),
            at_least("sessions", "leads", "a session captures at most one lead"),
            share("traffic_to_lead_rate"),
        ],
    )


def rpt_crm_adoption_weekly(facts: Facts) -> Suite:
    logins = facts.scalar(
        "select count(*) from staging.stg_crm__crm_logins inner join intermediate.int_as_of_date"
        " on cast(stg_crm__crm_logins.logged_in_at as date) <= int_as_of_date.as_of_date"
    )
    activities = facts.scalar(
        "select count(*) from staging.stg_crm__activities inner join intermediate.int_as_of_date"
        " on cast(stg_crm__activities.created_at as date) <= int_as_of_date.as_of_date"
        " where stg_crm__activities.rep_id is not null"
    )
    as_of = facts.as_of_date or facts.horizon
    counts = [
        "logins",
        "activities_created",
        "notes_created",
        "open_leads_owned",
        "leads_abandoned",
        "leads_touch_window_closed",
        "leads_touched_in_window",
    ]
    return Suite(
        table="marts.rpt_crm_adoption_weekly",
        derived={
            "abandonment_rate_null_without_leads": "(lead_abandonment_rate is null) = (open_leads_owned = 0)",
            "touched_share_null_without_windows": "(touched_in_window_share is null) = (leads_touch_window_closed = 0)",
        },
        expectations=[
            *not_empty_when_core("crm_logins"),
            gxe.ExpectColumnValuesToBeUnique(column="rep_week_id", description="one row per rep and week"),
            *[non_negative(column, "a count") for column in counts],
            gxe.ExpectColumnValuesToBeBetween(
                column="login_days", min_value=0, max_value=7, description="login_days: at most the 7 days of a week"
            ),
            at_least("logins", "login_days", "a login day has at least one login"),
            at_least("activities_created", "notes_created", "notes are activities"),
            at_least("open_leads_owned", "leads_abandoned", "abandoned leads are among the open ones"),
            at_least(
                "leads_touch_window_closed", "leads_touched_in_window", "touched leads are among the closed windows"
            ),
            share("lead_abandonment_rate"),
            share("touched_in_window_share"),
            always_true(
                "abandonment_rate_null_without_leads", "the abandonment rate is null exactly when no lead is open"
            ),
            always_true(
                "touched_share_null_without_windows", "the touched share is null exactly when no window closed"
            ),
            at_least("week_end_date", "measured_on_date", "the week is measured within itself"),
            gxe.ExpectColumnValuesToBeBetween(
                column="measured_on_date",
                max_value=as_of,
                description=f"nothing is measured after the as-of date {as_of.date()}",
            ),
            count_sum_equals("logins", int(logins or 0), "every login to the as-of date in one rep-week"),
            count_sum_equals(
                "activities_created", int(activities or 0), "every activity of a rep to the as-of date in one rep-week"
            ),
        ],
    )


KPI_NAMES_BY_SEGMENT = ["nps_score", "ces_average_effort", "logo_churn_rate", "renewal_rate"]


def scoreboard_months(facts: Facts) -> int | None:
    """Calendar months from the scoreboard's first month to the as-of month, both included (None when empty)."""
    found = facts.scalar(
        "select datediff('month', min(month_start_date), max(int_as_of_date.as_of_date)) + 1"
        " from marts.rpt_crm_kpis_monthly cross join intermediate.int_as_of_date"
    )
    return None if found is None else int(found)


def rpt_crm_kpis_monthly(facts: Facts) -> Suite:
    months = scoreboard_months(facts)
    as_of_month = None if facts.as_of_date is None else facts.as_of_date.replace(day=1)
    return Suite(
        table="marts.rpt_crm_kpis_monthly",
        derived={
            "nps_null_below_minimum": "nps_score is null or not coalesce(nps_below_minimum, true)",
            "ces_null_below_minimum": "ces_average_effort is null or not coalesce(ces_below_minimum, true)",
        },
        expectations=[
            gxe.ExpectColumnValuesToBeUnique(column="month_start_date", description="one row per month"),
            gxe.ExpectColumnValuesToNotBeNull(column="month_start_date", description="every row is a month"),
            *(
                [
                    gxe.ExpectTableRowCountToEqual(
                        value=months, description="no gaps: a row for every month from the first to the as-of month"
                    )
                ]
                if months is not None
                else []
            ),
            *(
                [
                    gxe.ExpectColumnMaxToBeBetween(
                        column="month_start_date",
                        min_value=as_of_month,
                        max_value=as_of_month,
                        description="the scoreboard ends with the as-of month",
                    )
                ]
                if as_of_month is not None and months is not None
                else []
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="nps_score", min_value=-100, max_value=100, description="NPS lies in [-100, 100]"
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="ces_average_effort",
                min_value=0,
                max_value=1,
                description="CES is an average normalised effort: within its scale, [0, 1]",
            ),
            share("renewal_rate"),
            share("logo_churn_rate"),
            non_negative("avg_sales_cycle_days", "a number of days"),
            non_negative("retention_cost_per_retained_customer_reporting"),
            non_negative("cac_reporting"),
            non_negative("net_new_revenue_reporting"),
            non_negative("avg_clv_reporting"),
            gxe.ExpectColumnValuesToBeBetween(
                column="marketing_roi",
                min_value=-1,
                description="marketing ROI = (attributed revenue - spend) / spend: revenue is never negative, so >= -1",
            ),
            share("traffic_to_lead_rate"),
            non_negative("nps_response_count", "a count"),
            non_negative("ces_response_count", "a count"),
            is_true("nps_null_below_minimum", "a score is only shown from enough answers"),
            is_true("ces_null_below_minimum", "a score is only shown from enough answers"),
        ],
    )


def rpt_crm_kpis_by_segment(facts: Facts) -> Suite:
    return Suite(
        table="marts.rpt_crm_kpis_by_segment",
        derived={
            "value_within_bounds": (
                "kpi_value is null or case when kpi_name = 'nps_score' then kpi_value between -100 and 100"
                " else kpi_value between 0 and 1 end"
            ),
            "month_on_scoreboard": "month_start_date in (select month_start_date from marts.rpt_crm_kpis_monthly)",
        },
        expectations=[
            gxe.ExpectColumnValuesToBeUnique(
                column="kpi_segment_month_id", description="one row per month, segment and KPI"
            ),
            gxe.ExpectCompoundColumnsToBeUnique(
                column_list=["month_start_date", "segment", "kpi_name"],
                description="one row per month, segment and KPI",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="kpi_name", value_set=KPI_NAMES_BY_SEGMENT, description="the KPIs with a segment breakdown"
            ),
            gxe.ExpectColumnValuesToNotBeNull(column="segment", description="every row has its segment"),
            is_true("value_within_bounds", "NPS in [-100, 100], CES and rates in [0, 1]"),
            is_true("month_on_scoreboard", "every month is a month of rpt_crm_kpis_monthly"),
        ],
    )


SUITES: dict[str, SuiteFactory] = {
    "marts.dim_customers": dim_customers,
    "marts.dim_products": dim_products,
    "marts.dim_sales_reps": dim_sales_reps,
    "marts.dim_dates": dim_dates,
    "marts.fct_orders": fct_orders,
    "marts.fct_order_items": fct_order_items,
    "marts.fct_opportunities": fct_opportunities,
    "marts.fct_opportunity_stage_transitions": fct_opportunity_stage_transitions,
    "marts.rpt_funnel_conversion_monthly": rpt_funnel_conversion_monthly,
    "marts.warehouse_build": warehouse_build,
    "intermediate.int_as_of_date": int_as_of_date,
    "staging.stg_crm__rejections": stg_crm__rejections,
    "check.raw_row_counts": staging_row_counts,
    "check.pii_in_text": pii_in_text,
    "marts.fct_lead_pool": fct_lead_pool,
    "marts.rpt_lead_conversion_monthly": rpt_lead_conversion_monthly,
    "marts.rpt_lead_pool_weekly": rpt_lead_pool_weekly,
    "marts.rpt_sales_rep_performance_monthly": rpt_sales_rep_performance_monthly,
    "marts.rpt_pipeline_forecast": rpt_pipeline_forecast,
    "marts.fct_customer_rfm": fct_customer_rfm,
    "marts.rpt_rfm_segments": rpt_rfm_segments,
    "marts.rpt_rfm_segment_movement": rpt_rfm_segment_movement,
    "marts.fct_customer_clv": fct_customer_clv,
    "marts.clv_model_parameters": clv_model_parameters,
    "marts.rpt_clv_holdout_check": rpt_clv_holdout_check,
    "marts.rpt_cohort_retention": rpt_cohort_retention,
    "marts.fct_customer_profitability": fct_customer_profitability,
    "marts.rpt_product_affinity": rpt_product_affinity,
    "marts.fct_customer_next_products": fct_customer_next_products,
    "marts.customer_360": customer_360,
    "marts.fct_customer_months": fct_customer_months,
    "marts.rpt_mrr_movements_monthly": rpt_mrr_movements_monthly,
    "marts.rpt_churn_monthly": rpt_churn_monthly,
    "marts.rpt_retention_cost_monthly": rpt_retention_cost_monthly,
    "marts.rpt_renewals": rpt_renewals,
    "marts.fct_churn_risk": fct_churn_risk,
    "marts.rpt_churn_risk_alerts": rpt_churn_risk_alerts,
    "marts.rpt_churn_risk_backtest": rpt_churn_risk_backtest,
    "marts.fct_survey_responses": fct_survey_responses,
    "marts.rpt_satisfaction_monthly": rpt_satisfaction_monthly,
    "marts.rpt_channel_preference": rpt_channel_preference,
    "marts.fct_tickets": fct_tickets,
    "marts.rpt_service_monthly": rpt_service_monthly,
    "marts.rpt_repeat_issues": rpt_repeat_issues,
    "marts.rpt_repeat_issue_customers": rpt_repeat_issue_customers,
    "marts.fct_touchpoints": fct_touchpoints,
    "marts.rpt_campaign_performance": rpt_campaign_performance,
    "marts.rpt_cac_monthly": rpt_cac_monthly,
    "marts.rpt_web_conversion_monthly": rpt_web_conversion_monthly,
    "marts.rpt_crm_adoption_weekly": rpt_crm_adoption_weekly,
    "marts.rpt_crm_kpis_monthly": rpt_crm_kpis_monthly,
    "marts.rpt_crm_kpis_by_segment": rpt_crm_kpis_by_segment,
}
