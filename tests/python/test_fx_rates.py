"""Missing fx rates never make money disappear.

Two builds of the demo seeds copied into a raw folder and read in place (CRM_RAW_DIR), each through the build
command (dbt build, validation, atomic publish):

- a single-currency export: every currency column set to USD and ``raw_fx_rates.csv`` header-only (a CRM
  without a rates table). The amounts are in the reporting currency and need no rate: the build publishes, and
  each customer's net revenue equals a plain Python sum over the raw CSVs;
- the demo with rates removed: CNY for 20 days (2025-03-01 to 03-20, after a quote on 02-28) and VND for its
  first 45 days (2023-07-01 to 08-14, no earlier quote at all). A CNY order within fx_rate_max_staleness_days
  (default 7) of the 02-28 quote converts at that quote (checked by hand in Python); later ones, and every VND
  order before its first quote, are rejected as missing_fx_rate:currency, their lines as orphan_reference, and
  raw rows = accepted + rejected still holds. A copy of that warehouse with one reporting amount set to null
  fails validation.

Run with ``-k fx``; the builds are shared per module.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import SEEDS_RAW
from oracle import accept_all, clean, customer_figures, label, load_categories, parse_day, parse_int, parse_number
from reliability_helpers import CORE_SELECTION, build_env, read_rows, run_build, run_validate, tail, write_rows

pytestmark = pytest.mark.slow

MAX_STALENESS_DAYS = 7  # dbt var fx_rate_max_staleness_days, its default in dbt_project.yml
CENT = Decimal("0.01")

# CNY: last quote before the gap on LAST_CNY_QUOTE; the gap's first 7 days convert at it, the rest are rejected.
CNY_GAP = (date(2025, 3, 1), date(2025, 3, 20))
LAST_CNY_QUOTE = date(2025, 2, 28)
# VND: its first 45 days of quotes removed; nothing earlier exists, so no order of those days converts.
VND_GAP = (date(2023, 7, 1), date(2023, 8, 14))


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def in_gap(day: date | None, gap: tuple[date, date]) -> bool:
    return day is not None and gap[0] <= day <= gap[1]


def copy_demo(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for path in SEEDS_RAW.glob("raw_*.csv"):
        shutil.copyfile(path, folder / path.name)
    return folder


def build_and_publish(raw: Path, work: Path) -> Path:
    served = work / "served" / "crm.duckdb"
    result = run_build(served, build_env(raw, work), CORE_SELECTION)  # staging and the core marts
    assert result.returncode == 0, "the build failed or did not validate:\n" + tail(result.stdout, 80)
    return served


def query(served: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(served), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


# --- (a) a single-currency export without rates --------------------------------------------


@pytest.fixture(scope="module")
def single_currency_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo seeds with every currency USD and a header-only raw_fx_rates.csv."""
    raw = copy_demo(tmp_path_factory.mktemp("fx_single") / "raw")
    for path in raw.glob("raw_*.csv"):
        header, rows = read_rows(path)
        if path.name == "raw_fx_rates.csv":
            write_rows(path, header, [])
        elif "currency" in header:
            write_rows(path, header, [{**row, "currency": "USD"} for row in rows])
    return raw


@pytest.fixture(scope="module")
def single_currency_served(single_currency_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_and_publish(single_currency_raw, tmp_path_factory.mktemp("fx_single_build"))


def usd_revenue_per_customer(raw: Path) -> dict[str, Decimal]:
    """Net revenue per customer in plain Python: accepted revenue orders, lines rounded to the cent, minus the
    order discount (an order without an accepted line has zero amounts, DECISIONLOG "Order discount"); no rate
    anywhere (every amount is already USD)."""
    accepted = accept_all(raw, seed_nulls=False)
    statuses = load_categories()["order_status"]
    gross: dict[str, Decimal] = defaultdict(Decimal)
    for item in accepted["order_items"].rows.values():
        quantity = Decimal(parse_int(clean(item["quantity"])) or 0)
        gross[clean(item["order_id"]) or ""] += cents(quantity * (parse_number(clean(item["unit_price"])) or 0))
    revenue: dict[str, Decimal] = defaultdict(Decimal)
    for (order_id,), order in accepted["orders"].rows.items():
        assert (clean(order["currency"]) or "").upper() == "USD"
        if statuses[label(order["status"]) or ""] in ("cancelled", "refunded") or order_id not in gross:
            continue
        discount = parse_number(clean(order["discount_amount"])) or Decimal(0)
        revenue[clean(order["customer_id"]) or ""] += gross[order_id or ""] - discount
    return dict(revenue)


def test_fx_single_currency_export_without_rates_publishes_its_revenue(
    single_currency_raw: Path, single_currency_served: Path
) -> None:
    expected = usd_revenue_per_customer(single_currency_raw)
    assert len(expected) > 500 and sum(expected.values()) > 1_000_000
    built = dict(
        query(single_currency_served, "select customer_id, lifetime_net_revenue_reporting from marts.dim_customers")
    )
    mismatched = [
        (customer, revenue, built.get(customer))
        for customer, revenue in expected.items()
        if built.get(customer) != revenue
    ]
    assert not mismatched, mismatched[:10]
    others = {customer: revenue for customer, revenue in built.items() if customer not in expected}
    assert all(revenue == 0 for revenue in others.values())
    # every order converted, at exactly 1, and none was rejected for a rate
    [(orders, converted, at_one)] = query(
        single_currency_served,
        "select count(*), count(net_amount_reporting), count(*) filter (where fx_rate_to_reporting = 1)"
        " from marts.fct_orders",
    )
    assert orders == converted == at_one > 15_000
    [(rejected,)] = query(
        single_currency_served, "select count(*) from staging.stg_crm__rejections where reason_code = 'missing_fx_rate'"
    )
    assert rejected == 0


# --- (b) rates missing for some days of a currency -------------------------------------------


@pytest.fixture(scope="module")
def gaps_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo seeds without the CNY quotes of CNY_GAP and the VND quotes of VND_GAP."""
    raw = copy_demo(tmp_path_factory.mktemp("fx_gaps") / "raw")
    header, rows = read_rows(raw / "raw_fx_rates.csv")
    kept = [
        row
        for row in rows
        if not (
            ((clean(row["currency"]) or "").upper() == "CNY" and in_gap(parse_day(row["rate_date"]), CNY_GAP))
            or ((clean(row["currency"]) or "").upper() == "VND" and in_gap(parse_day(row["rate_date"]), VND_GAP))
        )
    ]
    assert len(rows) - len(kept) >= 60
    write_rows(raw / "raw_fx_rates.csv", header, kept)
    return raw


@pytest.fixture(scope="module")
def gaps_served(gaps_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_and_publish(gaps_raw, tmp_path_factory.mktemp("fx_gaps_build"))


def raw_orders_by_day(raw: Path) -> dict[str, tuple[str, date | None]]:
    """order_id -> (currency, order date) of every raw order row with a key."""
    _, rows = read_rows(raw / "raw_orders.csv")
    return {
        clean(row["order_id"]) or "": ((clean(row["currency"]) or "").upper(), parse_day(row["ordered_at"]))
        for row in rows
        if clean(row["order_id"])
    }


def beyond_window(currency: str, day: date | None) -> bool:
    """An order the removed quotes leave without a fresh rate (worked out from the gaps, not from the rule's code)."""
    late_cny = (LAST_CNY_QUOTE + timedelta(days=MAX_STALENESS_DAYS + 1), CNY_GAP[1])  # 03-08 .. 03-20
    return (currency == "CNY" and in_gap(day, late_cny)) or (currency == "VND" and in_gap(day, VND_GAP))


def test_fx_order_within_the_window_converts_at_the_earlier_rate(gaps_raw: Path, gaps_served: Path) -> None:
    _, rates = read_rows(gaps_raw / "raw_fx_rates.csv")
    [quote] = [
        Decimal(row["rate_to_usd"])
        for row in rates
        if row["currency"] == "CNY" and parse_day(row["rate_date"]) == LAST_CNY_QUOTE
    ]
    within = (CNY_GAP[0], LAST_CNY_QUOTE + timedelta(days=MAX_STALENESS_DAYS))  # 03-01 .. 03-07
    orders = query(
        gaps_served,
        "select order_id, fx_rate_to_reporting, gross_amount, discount_amount, net_amount_reporting"
        " from marts.fct_orders where currency_code = 'CNY' and order_date between ? and ? order by order_id",
        list(within),
    )
    assert len(orders) >= 10
    for order_id, rate, gross, discount, net_reporting in orders:
        assert rate == pytest.approx(float(quote), rel=1e-12), order_id
        # by hand: the order's gross and discount converted at the 02-28 quote, each rounded to the cent
        expected = cents(gross * quote) - cents(discount * quote)
        assert abs(net_reporting - expected) <= CENT, (order_id, net_reporting, expected)
    first_id, _, first_gross, first_discount, first_net = orders[0]
    assert first_net == cents(first_gross * quote) - cents(first_discount * quote), first_id


def test_fx_orders_beyond_the_window_are_rejected_with_the_reason_and_nothing_is_lost(
    gaps_raw: Path, gaps_served: Path
) -> None:
    raw_orders = raw_orders_by_day(gaps_raw)
    without_rate = {order_id for order_id, (currency, day) in raw_orders.items() if beyond_window(currency, day)}
    rejected = query(
        gaps_served,
        "select raw_key, reason_code, reason_column from staging.stg_crm__rejections where source_table = 'orders'",
    )
    missing = {key for key, reason, _ in rejected if reason == "missing_fx_rate"}
    assert {column for _, reason, column in rejected if reason == "missing_fx_rate"} == {"currency"}
    assert len(missing) >= 30
    assert missing <= without_rate, sorted(missing - without_rate)[:10]
    assert any(raw_orders[key][0] == "VND" for key in missing) and any(raw_orders[key][0] == "CNY" for key in missing)
    # no order without a fresh rate was accepted; every one of them is rejected, for that or an earlier reason
    accepted = {order_id for (order_id,) in query(gaps_served, "select order_id from staging.stg_crm__orders")}
    assert not accepted & without_rate
    assert without_rate <= {key for key, _, _ in rejected}
    # their lines are rejected too (as lines of a rejected order, unless a line had a reason of its own), never dropped
    _, items = read_rows(gaps_raw / "raw_order_items.csv")
    lines = {clean(row["order_item_id"]) for row in items if clean(row["order_id"]) in missing}
    line_reasons: dict[str, set[str]] = defaultdict(set)
    for key, reason in query(
        gaps_served,
        "select raw_key, reason_code || ':' || reason_column from staging.stg_crm__rejections"
        " where source_table = 'order_items'",
    ):
        line_reasons[key].add(reason)
    accepted_lines = {line for (line,) in query(gaps_served, "select order_item_id from staging.stg_crm__order_items")}
    assert len(lines) >= 50 and not lines & accepted_lines
    assert all(line_reasons[line] for line in lines)
    orphans = [line for line in lines if "orphan_reference:order_id" in line_reasons[line]]
    assert len(orphans) >= len(lines) - 5, [(line, line_reasons[line]) for line in lines if line not in orphans]
    # raw rows = accepted + rejected, and the independent oracle (same rule, in Python) accepts the same rows
    oracle = accept_all(gaps_raw, seed_nulls=False)
    for table in ("orders", "order_items", "loyalty_points"):
        _, raw_rows = read_rows(gaps_raw / f"raw_{table}.csv")
        [(staged, rejections)] = query(
            gaps_served,
            f"select (select count(*) from staging.stg_crm__{table}),"
            " (select count(*) from staging.stg_crm__rejections where source_table = ?)",
            [table],
        )
        assert len(raw_rows) == staged + rejections, table
        assert staged == len(oracle[table].rows), table


def test_fx_revenue_per_customer_matches_the_oracle_with_rates_missing(gaps_raw: Path, gaps_served: Path) -> None:
    expected = customer_figures(accept_all(gaps_raw, seed_nulls=False))
    built = {
        customer: (count, revenue)
        for customer, count, revenue in query(
            gaps_served, "select customer_id, purchase_count, lifetime_net_revenue_reporting from marts.dim_customers"
        )
    }
    mismatched = []
    for customer, (count, revenue, lines) in expected.items():
        got_count, got_revenue = built.get(customer, (0, Decimal(0)))
        if got_count != count or abs(got_revenue - revenue) > Decimal("0.005") * lines + Decimal("0.005"):
            mismatched.append((customer, count, round(revenue, 2), got_count, got_revenue))
    assert len(expected) > 500
    assert not mismatched, mismatched[:10]


# --- (c) validation catches a null reporting amount -----------------------------------------


@pytest.mark.parametrize("table", ["fct_orders", "fct_order_items"])
def test_fx_validation_fails_when_a_reporting_amount_is_null(table: str, gaps_served: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "crm.duckdb"
    shutil.copyfile(gaps_served, damaged)
    key = "order_id" if table == "fct_orders" else "order_item_id"
    # what the code before the fix published for an order without a rate: every reporting amount null
    nulled = ", ".join(
        f"{column} = null"
        for column in (
            "fx_rate_to_reporting",
            "gross_amount_reporting",
            "discount_amount_reporting",
            "net_amount_reporting",
            "cost_reporting",
            "net_revenue_reporting",
            "gross_margin_reporting",
        )
    )
    with duckdb.connect(str(damaged)) as con:
        [(victim,)] = con.execute(
            f"select min({key}) from marts.{table} where currency_code = 'CNY' and is_revenue_order and net_amount > 0"
        ).fetchall()
        con.execute(f"update marts.{table} set {nulled}, has_fx_rate = false where {key} = ?", [victim])
    env = build_env(SEEDS_RAW, tmp_path)
    result = run_validate(damaged, env, tmp_path / "report", built_only=True)
    assert result.returncode == 1, tail(result.stdout)
    summary = (tmp_path / "report" / "summary.md").read_text(encoding="utf-8")
    failed = [line for line in summary.splitlines() if line.startswith("- **") and "(fail)" in line]
    # (nulling an order also breaks dim_customers' revenue sum, which was built from the intact order)
    assert any(f"**marts.{table}**" in line and "has_reporting_amounts" in line for line in failed), failed
