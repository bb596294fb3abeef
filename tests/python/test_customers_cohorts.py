"""Oracle tests of rpt_cohort_retention and rpt_product_affinity, recomputed in plain Python from the raw CSVs
(oracle_customers_cohorts.py) and equal to the marts: counts exactly, money to the cent, rates to 1e-9.

- every cell of the cohort grid: cohort size, active customers, net revenue (and the shares made of them); no
  cell missing, none extra;
- every pair of the affinity mart: orders with both, with a, with b, all orders (and support, confidence, lift
  made of them); the kept pairs are exactly the oracle's pairs at the default thresholds.

On the demo seeds (the session's ``warehouse``) and on the session's small generated data set (conftest
``generated_set``; marked slow).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import SEEDS_RAW, GeneratedSet
from oracle import Accepted, accept_all
from oracle_customers_cohorts import Baskets, CohortCell, baskets, cohort_retention, purchases
from oracle_sales_reps import as_of_date

TOLERANCE = 1e-9


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= TOLERANCE)


def cohort_mismatches(expected: dict[tuple[date, int], CohortCell], database: Path) -> list:
    rows = query(
        database,
        "select cohort_month, months_since, activity_month, cohort_size, active_customer_count,"
        " net_revenue_reporting, retention_share, revenue_retention_rate from marts.rpt_cohort_retention",
    )
    month_zero = {cohort: cell.revenue for (cohort, since), cell in expected.items() if since == 0}
    found = []
    for cohort, since, month, size, active, revenue, share, revenue_rate in rows:
        cell = expected.get((cohort, since))
        base = month_zero.get(cohort, Decimal(0))
        if (
            cell is None
            or (month, size, active, Decimal(revenue))
            != (cell.activity_month, cell.cohort_size, cell.active, cell.revenue)
            or not close(share, cell.active / cell.cohort_size)
            or not close(revenue_rate, float(cell.revenue) / float(base) if base else None)
        ):
            found.append(((cohort, since), (month, size, active, revenue, share, revenue_rate), cell))
    built = {(cohort, since) for cohort, since, *_ in rows}
    found += [(key, None, cell) for key, cell in expected.items() if key not in built]
    return found


def pair_mismatches(expected: Baskets, database: Path) -> list:
    rows = query(
        database,
        "select product_a_id, product_b_id, pair_order_count, product_a_order_count, product_b_order_count,"
        " total_order_count, pair_support, confidence_a_to_b, confidence_b_to_a, lift from marts.rpt_product_affinity",
    )
    total = expected.total_orders
    found = []
    for a, b, both, with_a, with_b, orders, support, confidence_ab, confidence_ba, lift in rows:
        counts = (expected.pair_orders[(a, b)], expected.product_orders[a], expected.product_orders[b], total)
        if (both, with_a, with_b, orders) != counts or not (
            close(support, counts[0] / total)
            and close(confidence_ab, counts[0] / counts[1])
            and close(confidence_ba, counts[0] / counts[2])
            and close(lift, counts[0] * total / (counts[1] * counts[2]))
        ):
            found.append(((a, b), (both, with_a, with_b, orders), counts))
    built = {(a, b) for a, b, *_ in rows}
    found += [(pair, None, count) for pair, count in expected.kept().items() if pair not in built]
    return found


def check(accepted: dict[str, Accepted], database: Path, min_customers: int, min_pairs: int) -> None:
    assert as_of_date(accepted) == query(database, "select as_of_date from intermediate.int_as_of_date")[0][0]
    bought = purchases(accepted)
    cells = cohort_retention(accepted, bought=bought)
    assert sum(cell.cohort_size for (_, since), cell in cells.items() if since == 0) >= min_customers
    assert not (problems := cohort_mismatches(cells, database)), problems[:10]
    pairs = baskets(accepted, bought=bought)
    assert len(pairs.kept()) >= min_pairs
    assert not (problems := pair_mismatches(pairs, database)), problems[:10]


def test_cohort_retention_and_pair_counts_match_the_oracle_on_the_demo(warehouse: Path) -> None:
    check(accept_all(SEEDS_RAW), warehouse, min_customers=1000, min_pairs=100)


@pytest.mark.slow
def test_cohort_retention_and_pair_counts_match_the_oracle_on_generated_data(generated_set: GeneratedSet) -> None:
    check(accept_all(generated_set.raw_dir, seed_nulls=False), generated_set.database, min_customers=100, min_pairs=5)
