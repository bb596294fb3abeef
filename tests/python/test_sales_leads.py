"""Oracle tests of the lead marts: fct_lead_pool, rpt_lead_conversion_monthly, rpt_lead_pool_weekly.

``oracle_sales_leads`` recomputes them in plain Python from the raw CSV exports (through
``oracle.accept_all``); the marts must agree exactly (counts, states, flags), rates to 1e-9.
On the demo seeds (the session's demo build) and on one small generated data set read in place.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest

from conftest import SEEDS_RAW, GeneratedSet
from oracle import accept_all
from oracle_sales_leads import as_of_date, lead_conversion_monthly, lead_pool, lead_pool_weekly, leads_as_of

LEAD_MARTS = ["fct_lead_pool", "rpt_lead_conversion_monthly", "rpt_lead_pool_weekly"]
POOL_COLUMNS = [
    "pool_state",
    "days_unattended",
    "is_due_to_pool",
    "is_ever_pooled",
    "release_count",
    "claim_count",
    "reclaim_count",
    "freeze_count",
    "restore_count",
    "out_of_sequence_event_count",
    "last_event_type",
]
MONTHLY_COLUMNS = [
    "web_sessions",
    "leads_created",
    "traffic_to_lead_rate",
    "leads_converted_to_opportunity",
    "opportunity_conversion_rate",
    "leads_converted_to_customer",
    "customer_conversion_rate",
    "median_days_to_opportunity",
    "median_days_to_customer",
    "leads_abandoned",
    "abandonment_rate",
]
WEEKLY_COLUMNS = [
    "pool_size_at_week_end",
    "frozen_at_week_end",
    "median_days_in_pool",
    "releases",
    "claims",
    "reclaims",
    "freezes",
    "restores",
    "leads_claimed_from_pool",
    "claimed_conversion_rate",
    "leads_never_pooled",
    "never_pooled_conversion_rate",
]


def same(expected: object, got: object) -> bool:
    """Equal, floats to 1e-9 (a rate or a median), None only equal to None."""
    if expected is None or got is None:
        return expected is None and got is None
    if isinstance(expected, float) or isinstance(got, float):
        return math.isclose(float(expected), float(got), rel_tol=0, abs_tol=1e-9)
    return expected == got


def mismatches(expected: dict, built: dict, columns: list[str]) -> list:
    problems = (
        [("missing or extra keys", sorted(set(expected) ^ set(built), key=str)[:10])]
        if set(expected) != set(built)
        else []
    )
    for key in sorted(set(expected) & set(built), key=str):
        for column in columns:
            if not same(expected[key][column], built[key][column]):
                problems.append((key, column, expected[key][column], built[key][column]))
    return problems[:20]


def read_mart(con: duckdb.DuckDBPyConnection, table: str, keys: list[str], columns: list[str]) -> dict:
    rows = con.execute(f"select {', '.join(keys + columns)} from marts.{table}").fetchall()
    return {
        (row[0] if len(keys) == 1 else tuple(row[: len(keys)])): dict(zip(columns, row[len(keys) :], strict=True))
        for row in rows
    }


def check_lead_marts(raw_dir: Path, database: Path, seed_nulls: bool) -> dict[str, int]:
    accepted = accept_all(raw_dir, seed_nulls=seed_nulls)
    with duckdb.connect(str(database), read_only=True) as con:
        as_of = con.execute("select as_of_date from intermediate.int_as_of_date").fetchall()[0][0]
        assert as_of == as_of_date(accepted)
        leads = leads_as_of(accepted, as_of)
        pool = read_mart(con, "fct_lead_pool", ["lead_id"], POOL_COLUMNS)
        monthly = read_mart(con, "rpt_lead_conversion_monthly", ["month_start_date", "lead_source"], MONTHLY_COLUMNS)
        weekly = read_mart(con, "rpt_lead_pool_weekly", ["week_start_date"], WEEKLY_COLUMNS)
    assert mismatches(lead_pool(leads, as_of), pool, POOL_COLUMNS) == []
    assert mismatches(lead_conversion_monthly(accepted, leads, as_of), monthly, MONTHLY_COLUMNS) == []
    assert mismatches(lead_pool_weekly(leads, as_of), weekly, WEEKLY_COLUMNS) == []
    states = [row["pool_state"] for row in pool.values()]
    return {state: states.count(state) for state in set(states)} | {"leads": len(leads)}


def test_lead_marts_match_the_oracle_on_the_demo_seeds(warehouse: Path) -> None:
    counts = check_lead_marts(SEEDS_RAW, warehouse, seed_nulls=True)
    # the demo exercises every state
    assert counts["leads"] > 2000
    assert all(counts.get(state, 0) > 10 for state in ("owned", "in_pool", "frozen", "converted")), counts


@pytest.mark.slow
def test_lead_marts_match_the_oracle_on_generated_data(generated_set: GeneratedSet) -> None:
    raw_dir, database = generated_set.raw_dir, generated_set.database
    counts = check_lead_marts(raw_dir, database, seed_nulls=False)
    assert counts["leads"] > 200
    assert counts.get("in_pool", 0) > 0 and counts.get("converted", 0) > 0, counts
