"""A minimal real export builds without inventing data; wholly rejected tables and swapped contacts are reported.

The minimal export is the demo seeds cut down to what a small shop's CRM gives (like the public CDNOW purchase
sample): customers, orders, order lines and products, every other raw file header-only. In the copy every product's
unit cost is cleared (unknown), every order is in USD (there are no fx rates) and the rep references are cleared
(there are no reps). Three customers get their email and phone swapped. It is built in place (CRM_RAW_DIR) by the
build command, which validates and publishes it; a second copy with every customer's created_at emptied must fail,
naming the table and the reason.

Run one part with ``-k``: core_only, wholly_rejected, swapped.
"""

from __future__ import annotations

import csv
import re
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

import oracle
from crmwh.contract import CORE_TABLES, TABLES
from reliability_helpers import CORE_SELECTION, build_env, read_rows, run_build, tail, write_rows

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SEEDS_RAW = ROOT / "seeds" / "raw"
SWAPPED = 3
PHONE_SHAPE = re.compile(r"^[+(]*[0-9][0-9 ()./-]*$")


@dataclass
class Planted:
    swapped: list[str]  # customers whose email and phone were swapped
    twin: str  # a customer given the first swapped customer's email and phone, in the right columns


def _clean_customers(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Customers with no injected dirt, one version, an email and a phone-shaped phone."""
    dirty = {record["key"] for record in csv.DictReader((SEEDS_RAW / "_meta" / "dirty_rows.csv").open())}
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["customer_id"]] = counts.get(row["customer_id"], 0) + 1
    return [
        row
        for row in rows
        if row["customer_id"]
        and row["customer_id"] not in dirty
        and counts[row["customer_id"]] == 1
        and "@" in row["email"]
        and PHONE_SHAPE.match(row["phone"].strip())
        and len(re.sub(r"\D", "", row["phone"])) >= 7
    ]


def minimal_export(
    out: Path, empty_created_at: bool = False, header_only: tuple[str, ...] = ()
) -> tuple[Path, Planted]:
    """The minimal export (see the module docstring) written to out; the tables of header_only without rows."""
    out.mkdir(parents=True)
    planted = Planted([], "")
    for table in TABLES:
        header, rows = read_rows(SEEDS_RAW / f"raw_{table.name}.csv")
        if table.name not in CORE_TABLES or table.name in header_only:
            rows = []
        for row in rows:
            if table.name == "products":
                row["unit_cost"] = ""
            elif table.name == "orders":
                row["currency"] = "USD"
                row["sales_rep_id"] = ""
            elif table.name == "customers":
                row["owner_rep_id"] = ""
                if empty_created_at:
                    row["created_at"] = ""
        if table.name == "customers":
            clean = _clean_customers(rows)
            first, twin = clean[0], clean[SWAPPED]
            twin["email"], twin["phone"] = first["email"], first["phone"]
            for row in clean[:SWAPPED]:
                row["email"], row["phone"] = row["phone"], row["email"]
            planted = Planted([row["customer_id"] for row in clean[:SWAPPED]], twin["customer_id"])
        write_rows(out / f"raw_{table.name}.csv", header, rows)
    return out, planted


@dataclass
class Built:
    raw_dir: Path
    served: Path
    result: subprocess.CompletedProcess[str]
    planted: Planted

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.served), read_only=True) as con:
            return con.execute(sql).fetchall()


def _build(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    empty_created_at: bool = False,
    header_only: tuple[str, ...] = (),
    whole: bool = False,
) -> Built:
    """Build and publish a minimal export: the whole warehouse (whole), else the core selection (enough for a
    build that must fail on a core table)."""
    work = tmp_path_factory.mktemp(name)
    raw_dir, planted = minimal_export(work / "raw", empty_created_at=empty_created_at, header_only=header_only)
    served = work / "warehouse" / "crm.duckdb"
    return Built(
        raw_dir, served, run_build(served, build_env(raw_dir, work), None if whole else CORE_SELECTION), planted
    )


@pytest.fixture(scope="module")
def minimal(tmp_path_factory: pytest.TempPathFactory) -> Built:
    built = _build(tmp_path_factory, "minimal_export", empty_created_at=False, whole=True)
    assert built.result.returncode == 0, "the minimal export did not publish:\n" + tail(built.result.stdout, 80)
    return built


@pytest.fixture(scope="module")
def no_created_at(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build(tmp_path_factory, "wholly_rejected", empty_created_at=True)


@pytest.fixture(scope="module")
def no_orders(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build(tmp_path_factory, "empty_core_table", header_only=("orders",))


# --- (a) the minimal export builds, validates and publishes -----------------------------------


def test_core_only_export_publishes_after_validation(minimal: Built) -> None:
    output = minimal.result.stdout
    assert "Validation passed" in output
    assert "Warehouse built: " in output
    assert minimal.served.exists()
    assert minimal.query("select count(*) from marts.dim_sales_reps") == [(0,)]
    # the core marts hold what the export gave
    for mart in ("dim_customers", "dim_products", "fct_orders", "fct_order_items"):
        assert minimal.query(f"select count(*) from marts.{mart}")[0][0] > 0, mart


def test_core_only_export_leaves_cost_and_margin_null_where_cost_is_unknown(minimal: Built) -> None:
    assert minimal.query("select count(*), count(unit_cost), count(unit_margin) from marts.dim_products")[0][1:] == (
        0,
        0,
    )
    lines = minimal.query(
        "select count(*), count(unit_cost), count(cost_amount), count(cost_reporting),"
        " count(*) filter (where is_revenue_order), count(gross_margin_reporting) filter (where is_revenue_order),"
        " count(*) filter (where not is_revenue_order and gross_margin_reporting = 0)"
        " from marts.fct_order_items"
    )[0]
    total, unit_costs, costs, costs_reporting, revenue_lines, revenue_margins, zero_margins = lines
    assert (unit_costs, costs, costs_reporting, revenue_margins) == (0, 0, 0, 0)
    assert revenue_lines > 0
    # cancelled and refunded lines have no revenue and no margin: 0, whatever the cost
    assert zero_margins == total - revenue_lines
    # an order's margin is null as soon as one of its revenue lines has no cost; never a partial sum
    orders = minimal.query(
        "select count(*), count(gross_margin_reporting) from marts.fct_orders where is_revenue_order and item_count > 0"
    )[0]
    assert orders[0] > 0 and orders[1] == 0
    customers = minimal.query(
        "select count(*) filter (where lifetime_gross_margin_reporting is null),"
        " count(*) filter (where lifetime_gross_margin_reporting <> 0) from marts.dim_customers"
    )[0]
    with_costless_revenue = minimal.query(
        "select count(distinct customer_id) from marts.fct_order_items where is_revenue_order"
        " and order_date <= (select as_of_date from intermediate.int_as_of_date)"
    )[0][0]
    assert customers == (with_costless_revenue, 0)


def _expected_net_revenue(raw_dir: Path) -> dict[str, tuple[Decimal, int]]:
    """Per customer, from the raw CSVs (rules re-implemented in oracle.py): net revenue (items - discount of the
    orders that are not cancelled or refunded, 0 for an order without lines; every order is in USD, the reporting
    currency) and its line count."""
    accepted = oracle.accept_all(raw_dir, seed_nulls=False)
    statuses = oracle.load_categories()["order_status"]
    gross: dict[str, Decimal] = {}
    lines: dict[str, int] = {}
    for item in accepted["order_items"].rows.values():
        order_id = oracle.clean(item["order_id"]) or ""
        quantity = Decimal(oracle.parse_int(oracle.clean(item["quantity"])) or 0)
        gross[order_id] = gross.get(order_id, Decimal(0)) + quantity * oracle.parse_number(item["unit_price"])
        lines[order_id] = lines.get(order_id, 0) + 1
    expected: dict[str, tuple[Decimal, int]] = {}
    for (order_id,), order in accepted["orders"].rows.items():
        if statuses[oracle.label(order["status"]) or ""] in ("cancelled", "refunded"):
            continue
        customer = oracle.clean(order["customer_id"]) or ""
        # an order without an accepted line has zero amounts: its discount applies to nothing
        discount = oracle.parse_number(oracle.clean(order["discount_amount"])) if order_id in gross else None
        net = gross.get(order_id, Decimal(0)) - (discount or 0)
        revenue, line_count = expected.get(customer, (Decimal(0), 0))
        expected[customer] = (revenue + net, line_count + lines.get(order_id, 0))
    return expected


def _assert_revenue_matches(expected: dict[str, tuple[Decimal, int]], built: dict[str, Decimal]) -> None:
    assert len(expected) > 1000
    mismatched = [
        (customer, round(revenue, 2), built.get(customer))
        for customer, (revenue, lines) in expected.items()
        if built.get(customer) is None or abs(built[customer] - revenue) > Decimal("0.005") * (lines + 1)
    ]
    assert not mismatched, mismatched[:10]


def test_core_only_export_net_revenue_per_customer_matches_the_raw_files(minimal: Built) -> None:
    """In the order currency (USD), summed from fct_orders: needs no fx rate."""
    rows = minimal.query(
        "select customer_id, sum(net_amount) from marts.fct_orders where is_revenue_order group by customer_id"
    )
    _assert_revenue_matches(_expected_net_revenue(minimal.raw_dir), {c: Decimal(str(v)) for c, v in rows})


def test_core_only_export_lifetime_revenue_in_reporting_currency_matches_the_raw_files(minimal: Built) -> None:
    """dim_customers in the reporting currency (USD): an amount already in it needs no rate (issue 7 point 2)."""
    rows = minimal.query(
        "select customer_id, lifetime_net_revenue_reporting from marts.dim_customers where purchase_count > 0"
    )
    _assert_revenue_matches(_expected_net_revenue(minimal.raw_dir), {c: Decimal(str(v)) for c, v in rows})


# --- (b) a wholly rejected table fails the build, naming the table and the reason -------------


def test_wholly_rejected_customers_fail_the_build_naming_table_and_reason(no_created_at: Built) -> None:
    output = no_created_at.result.stdout
    assert no_created_at.result.returncode != 0
    assert "Warehouse built: " not in output and not no_created_at.served.exists()
    _, rows = read_rows(no_created_at.raw_dir / "raw_customers.csv")
    with_key = sum(1 for row in rows if row["customer_id"].strip())
    summary = [line for line in output.splitlines() if line.strip().startswith("customers:")]
    assert summary, tail(output, 80)
    assert "WHOLLY REJECTED" in summary[0]
    assert f"invalid_timestamp:created_at {with_key}" in summary[0]
    assert f"{len(rows)} of {len(rows)} raw rows rejected" in summary[0]
    # dbt's failure is the table's, not an unrelated one downstream (the as-of date is skipped)
    failures = re.findall(r"Failure in test (\S+)", output)
    assert failures and all("rejected" in name for name in failures), failures
    assert "not_wholly_rejected_base_crm__customers" in failures[0]
    assert "int_as_of_date" not in " ".join(failures)


# --- (c) swapped email and phone ---------------------------------------------------------------


def test_swapped_contacts_are_counted_and_hashed_under_their_own_column(minimal: Built) -> None:
    output = minimal.result.stdout
    assert re.search(rf"email and phone swapped.*customers {SWAPPED}\b", output), tail(output, 40)
    assert re.search(rf"never_true_base_crm__customers_has_swapped_contacts.*\n.*Got {SWAPPED} results", output)
    swapped, twin = minimal.planted.swapped, minimal.planted.twin
    hashes = dict(
        (row[0], row[1:])
        for row in minimal.query(
            "select customer_id, email_hash, phone_hash from marts.dim_customers"
            f" where customer_id in ({', '.join(repr(c) for c in [*swapped, twin])})"
        )
    )
    assert set(hashes) == {*swapped, twin}
    for customer in swapped:
        assert None not in hashes[customer], customer
    # the first swapped customer's values, hashed from the wrong columns, equal its twin's from the right ones
    assert hashes[swapped[0]] == hashes[twin]
    flagged = minimal.query("select raw_key from staging.base_crm__customers where has_swapped_contacts")
    assert sorted(key for (key,) in flagged) == sorted(swapped)


def test_wholly_rejected_or_empty_core_table_fails_the_build_naming_it(no_orders: Built) -> None:
    """A header-only orders file: the core table is named EMPTY and its test is dbt's only failure (the lines,
    the as-of date and the marts that depend on the orders are skipped)."""
    output = no_orders.result.stdout
    assert no_orders.result.returncode != 0 and not no_orders.served.exists()
    assert re.search(r"^  orders: EMPTY: a core table", output, re.MULTILINE), tail(output, 40)
    failures = re.findall(r"Failure in test (\S+)", output)
    assert len(failures) == 1 and failures[0].startswith("not_wholly_rejected_base_crm__orders"), failures
