"""Oracle tests of rpt_sales_rep_performance_monthly: bookings, deals won and lost and win rates per rep and month,
recomputed in plain Python from the raw CSVs (oracle_sales_reps.py), equal to the mart: money to the cent, rates
to 1e-9; and the deals open at the as-of date with their amount, which the forecast's company rows add up to. On
the demo seeds (the session's demo build) and on the session's small generated data set (conftest ``generated_set``; marked
slow).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import SEEDS_RAW, GeneratedSet
from oracle import accept_all
from oracle_sales_reps import RepMonth, as_of_date, closed_deals_by_rep_month, open_pipeline_at_as_of

RATE_TOLERANCE = 1e-9
MART = "marts.rpt_sales_rep_performance_monthly"


def mart_rows(database: Path) -> dict[tuple[str, date], tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select rep_id, month_start, deals_won_count, deals_lost_count, bookings_reporting,"
            f" lost_amount_reporting, win_rate_by_count, win_rate_by_amount from {MART}"
        ).fetchall()
    return {(rep, month): rest for rep, month, *rest in rows}


def warehouse_as_of(database: Path) -> date:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute("select as_of_date from intermediate.int_as_of_date").fetchone()[0]


def forecast_open_pipeline(database: Path) -> tuple[int, Decimal]:
    with duckdb.connect(str(database), read_only=True) as con:
        count, amount = con.execute(
            "select sum(open_deals_count), sum(open_amount_reporting) from marts.rpt_pipeline_forecast"
            " where is_company_total"
        ).fetchone()
    return int(count), Decimal(amount)


def close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= RATE_TOLERANCE)


def mismatches(expected: dict[tuple[str, date], RepMonth], built: dict[tuple[str, date], tuple]) -> list:
    """Every rep-month where the mart and the oracle disagree; rep-months the oracle has no closed deal in must
    show none (0 deals, 0 amounts, null rates)."""
    found = []
    for key, figures in built.items():
        month = expected.get(key, RepMonth())
        won, lost, bookings, lost_amount, rate_count, rate_amount = figures
        if (
            (won, lost) != (month.won, month.lost)
            or Decimal(bookings) != month.bookings
            or Decimal(lost_amount) != month.lost_amount
            or not close(rate_count, month.win_rate_by_count)
            or not close(rate_amount, month.win_rate_by_amount)
        ):
            found.append((key, figures, month))
    found += [(key, None, month) for key, month in expected.items() if key not in built]
    return found


def test_rep_bookings_and_win_rates_match_the_oracle_on_the_demo(warehouse: Path) -> None:
    accepted = accept_all(SEEDS_RAW)
    assert as_of_date(accepted) == warehouse_as_of(warehouse)
    expected = closed_deals_by_rep_month(accepted)
    assert sum(month.won for month in expected.values()) > 100
    assert sum(month.lost for month in expected.values()) > 100
    assert not (problems := mismatches(expected, mart_rows(warehouse))), problems[:10]
    assert forecast_open_pipeline(warehouse) == open_pipeline_at_as_of(accepted)


@pytest.mark.slow
def test_rep_bookings_and_win_rates_match_the_oracle_on_generated_data(generated_set: GeneratedSet) -> None:
    raw, database = generated_set.raw_dir, generated_set.database
    accepted = accept_all(raw, seed_nulls=False)
    assert as_of_date(accepted) == warehouse_as_of(database)
    expected = closed_deals_by_rep_month(accepted)
    assert sum(month.won for month in expected.values()) > 10
    assert not (problems := mismatches(expected, mart_rows(database))), problems[:10]
    assert forecast_open_pipeline(database) == open_pipeline_at_as_of(accepted)
