"""Oracle tests of the RFM marts: fct_customer_rfm (recency, frequency, monetary, the three scores, the combined
score, the segment and the previous segment of every customer), rpt_rfm_segments (customers and revenue per
segment) and rpt_rfm_segment_movement (customers per previous and current segment), recomputed in plain Python
from the raw CSVs (oracle_customers_rfm.py) and equal to the marts: money to the cent, shares to 1e-9. On the demo
seeds (the session's demo build) and on the session's small generated data set (conftest ``generated_set``;
marked slow). The seed rfm_segment_map is compared with the documented grid without a build.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import SEEDS_RAW, GeneratedSet
from oracle import LOOKUPS, accept_all
from oracle_customers_rfm import NOT_A_CUSTOMER, SEGMENT_GRID, SEGMENTS, RfmMarts, rfm_marts

RATE_TOLERANCE = 1e-9
FCT_COLUMNS = (
    "customer_id, as_of_date, previous_as_of_date, last_purchase_date, recency_days, frequency, monetary_reporting,"
    " recency_score, frequency_score, monetary_score, frequency_monetary_score, rfm_score, rfm_total, rfm_segment,"
    " previous_rfm_score, previous_rfm_segment"
)


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def fct_mismatches(expected: RfmMarts, database: Path) -> list:
    """Every customer where fct_customer_rfm and the oracle disagree (or who is in only one of them)."""
    built = {row[0]: row[1:] for row in query(database, f"select {FCT_COLUMNS} from marts.fct_customer_rfm")}
    found = [(customer, "missing from the mart") for customer in expected.current if customer not in built]
    found += [(customer, "not a customer in the oracle") for customer in built if customer not in expected.current]
    for customer, rfm in expected.current.items():
        if customer not in built:
            continue
        previous = expected.previous.get(customer)
        want = (
            expected.as_of,
            expected.previous_as_of,
            rfm.last_purchase_date,
            rfm.recency_days,
            rfm.frequency,
            rfm.monetary,
            rfm.recency_score,
            rfm.frequency_score,
            rfm.monetary_score,
            rfm.frequency_monetary_score,
            rfm.rfm_score,
            rfm.rfm_total,
            rfm.segment,
            previous.rfm_score if previous else None,
            previous.segment if previous else None,
        )
        if built[customer] != want:
            found.append((customer, built[customer], want))
    return found


def segment_mismatches(expected: RfmMarts, database: Path) -> list:
    counts = expected.segment_counts()
    customers = sum(count for count, _ in counts.values())
    revenue = sum((money for _, money in counts.values()), Decimal(0))
    rows = query(
        database,
        "select rfm_segment, customer_count, revenue_reporting, customer_share, revenue_share"
        " from marts.rpt_rfm_segments",
    )
    found = [] if len(rows) == len(SEGMENTS) else [("segments", len(rows))]
    for segment, count, money, customer_share, revenue_share in rows:
        want_count, want_money = counts[segment]
        if (
            (count, money) != (want_count, want_money)
            or abs(customer_share - want_count / customers) > RATE_TOLERANCE
            or abs(revenue_share - float(want_money) / float(revenue)) > RATE_TOLERANCE
        ):
            found.append((segment, (count, money, customer_share, revenue_share), (want_count, want_money)))
    return found


def movement_mismatches(expected: RfmMarts, database: Path) -> list:
    built = {
        (previous, current): (count, share)
        for previous, current, count, share in query(
            database,
            "select previous_rfm_segment, rfm_segment, customer_count, previous_segment_share"
            " from marts.rpt_rfm_segment_movement",
        )
    }
    moves = expected.movements()
    totals: dict[str, int] = {}
    for (previous, _), count in moves.items():
        totals[previous] = totals.get(previous, 0) + count
    found = [pair for pair in built if pair not in moves]
    for pair, count in moves.items():
        got = built.get(pair)
        if got is None or got[0] != count or abs(got[1] - count / totals[pair[0]]) > RATE_TOLERANCE:
            found.append((pair, got, count))
    return found


def assert_marts_match(expected: RfmMarts, database: Path) -> None:
    assert not (problems := fct_mismatches(expected, database)), problems[:10]
    assert not (problems := segment_mismatches(expected, database)), problems
    assert not (problems := movement_mismatches(expected, database)), problems[:10]


def test_rfm_segment_map_seed_is_the_documented_grid() -> None:
    with (LOOKUPS / "rfm_segment_map.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    seed = {(int(row["recency_score"]), int(row["frequency_monetary_score"])): row["rfm_segment"] for row in rows}
    assert len(rows) == len(seed) == 25
    assert seed == {(r, fm): segment for r, by_fm in SEGMENT_GRID.items() for fm, segment in by_fm.items()}
    orders = {row["rfm_segment"]: int(row["segment_order"]) for row in rows}
    assert [segment for segment, _ in sorted(orders.items(), key=lambda item: item[1])] == list(SEGMENTS)


def test_rfm_marts_match_the_oracle_on_the_demo(warehouse: Path) -> None:
    expected = rfm_marts(accept_all(SEEDS_RAW))
    assert expected.as_of == date(2026, 6, 30)
    assert len(expected.current) > 1000 and len(expected.previous) > 1000
    # the demo moves customers: new ones since the previous date, and segment changes
    moves = expected.movements()
    assert sum(count for (previous, _), count in moves.items() if previous == NOT_A_CUSTOMER) > 0
    assert sum(count for (previous, current), count in moves.items() if previous not in (NOT_A_CUSTOMER, current)) > 0
    assert_marts_match(expected, warehouse)


@pytest.mark.slow
def test_rfm_marts_match_the_oracle_on_generated_data(generated_set: GeneratedSet) -> None:
    expected = rfm_marts(accept_all(generated_set.raw_dir, seed_nulls=False))
    assert len(expected.current) > 100
    assert_marts_match(expected, generated_set.database)
