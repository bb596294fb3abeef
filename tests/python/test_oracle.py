"""Oracle tests: recompute from the raw CSVs, in plain Python, what the marts must say.

``oracle.py`` re-implements the staging rules without SQL. These tests compare
its accepted-row counts and per-customer figures with the DuckDB warehouse that
`dbt build` made from the same demo seeds.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import SEEDS_RAW
from oracle import ORDER, accept_all, customer_figures, read_raw


@pytest.fixture(scope="module")
def accepted():
    return accept_all(SEEDS_RAW)


@pytest.fixture(scope="module")
def con(warehouse: Path):
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        yield connection


@pytest.mark.parametrize("table", ORDER)
def test_accepted_row_counts_match_staging(table: str, accepted, con) -> None:
    built = con.execute(f"select count(*) from staging.stg_crm__{table}").fetchall()[0][0]
    assert built == len(accepted[table].rows)


@pytest.mark.parametrize("table", ORDER)
def test_raw_rows_are_accepted_or_rejected(table: str, con) -> None:
    raw = len(read_raw(SEEDS_RAW, table))
    built = con.execute(f"select count(*) from staging.stg_crm__{table}").fetchall()[0][0]
    rejected = con.execute(
        "select count(*) from staging.stg_crm__rejections where source_table = ?", [table]
    ).fetchall()[0][0]
    assert raw == built + rejected
    assert rejected > 0, "the demo seeds carry dirty rows in every core table"


def test_orders_and_net_revenue_per_customer(accepted, con) -> None:
    expected = customer_figures(accepted)
    rows = con.execute(
        "select customer_id, purchase_count, lifetime_net_revenue_reporting from marts.dim_customers"
    ).fetchall()
    built = {customer: (count, Decimal(str(revenue or 0))) for customer, count, revenue in rows}
    assert len(expected) > 500
    mismatched = []
    for customer, (count, revenue, lines) in expected.items():
        got_count, got_revenue = built.get(customer, (0, Decimal(0)))
        # each order line is rounded to the cent in the marts
        if got_count != count or abs(got_revenue - revenue) > Decimal("0.005") * lines + Decimal("0.005"):
            mismatched.append((customer, count, round(revenue, 2), got_count, got_revenue))
    assert not mismatched, mismatched[:10]
    # customers without a revenue order have no purchases in the mart either
    buyers = {customer for customer, (count, _) in built.items() if count > 0}
    assert buyers == set(expected)


def test_total_net_revenue_matches(accepted, con) -> None:
    figures = customer_figures(accepted).values()
    expected = sum((revenue for _, revenue, _ in figures), Decimal(0))
    lines = sum(line_count for _, _, line_count in figures)
    got = con.execute("select sum(net_revenue_reporting) from marts.fct_orders").fetchall()[0][0]
    assert abs(Decimal(str(got)) - expected) <= Decimal("0.005") * lines, (got, expected)


def test_every_injected_dirty_row_is_rejected_with_its_reason(con) -> None:
    """The generator logs each row it made dirty and the reason staging must give; nothing else is rejected."""
    import csv
    from collections import Counter

    expected: Counter = Counter()
    with (SEEDS_RAW / "_meta" / "dirty_rows.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["expected_reason"]:
                key = None if row["expected_reason"] == "missing_key" else row["key"]
                expected[(row["table"], key, row["expected_reason"], row["column"])] += 1
    rows = con.execute("select source_table, raw_key, reason_code, reason_column from staging.stg_crm__rejections")
    built = Counter(
        (table, None if reason == "missing_key" else key, reason, column)
        for table, key, reason, column in rows.fetchall()
    )
    assert sum(expected.values()) > 1000
    assert not expected - built, list((expected - built).items())[:10]
    assert not built - expected, list((built - expected).items())[:10]
