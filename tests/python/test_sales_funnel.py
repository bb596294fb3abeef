"""The sales funnel against its oracle, and the opportunity snapshot's history.

``oracle_sales_funnel.py`` recomputes from the raw CSVs in plain Python what the marts must say. Compared
exactly (rates and medians to 1e-9, money to the cent), on the demo seeds (the session's ``warehouse``) and on
the session's small generated data set (conftest ``generated_set``: read in place, built once per run):

- every row of ``rpt_funnel_conversion_monthly``: reached counts, stage-to-stage and cumulative conversion,
  drop-off, median days in stage, the largest drop-off;
- per lead source, over all cohorts: the stage-to-stage conversion (the mart's reached counts summed), win rate
  by count and by amount (closed deals only) and the median cycle of won deals (``fct_opportunities``
  aggregated in SQL: the metrics' one definition lives at the opportunity grain);
- per opportunity: lead source, furthest stage, cycle days and reporting amount of ``fct_opportunities``.

The snapshot test runs ``dbt snapshot`` twice on a copy of the generated warehouse, with one opportunity's
stage and amount changed in the raw export in between, and checks the closed and the new version.

Run with ``-k funnel`` (``-m "not slow"`` keeps the demo only).
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from conftest import SEEDS_RAW, GeneratedSet, run_dbt
from oracle import accept_all
from oracle_sales_funnel import (
    FUNNEL_STAGES,
    Deal,
    FunnelRow,
    LeadSourceFigures,
    deals,
    funnel,
    per_lead_source,
)
from reliability_helpers import read_rows, write_rows

TOLERANCE = 1e-9
GENERATED_CUSTOMERS = 300
GENERATED_SEED = 11
NEXT_STAGE = {
    "lead": "qualified",
    "qualified": "proposal",
    "proposal": "negotiation",
    "negotiation": "proposal",
    "closed_won": "closed_lost",
    "closed_lost": "closed_won",
}
# rebuild the changed export's staging, then snapshot: models and the snapshot only, no tests
SNAPSHOT_REBUILD = [
    *("build", "--select", "base_crm__opportunities", "snap_opportunities"),
    *("--resource-type", "model", "--resource-type", "snapshot"),
]


@pytest.fixture(scope="module", params=["demo", pytest.param("generated", marks=pytest.mark.slow)])
def dataset(request: pytest.FixtureRequest) -> tuple[dict[str, Deal], Path]:
    """(oracle deals, warehouse) of the demo seeds or of the generated set."""
    if request.param == "demo":
        return deals(accept_all(SEEDS_RAW)), request.getfixturevalue("warehouse")
    generated = request.getfixturevalue("generated_set")
    return deals(accept_all(generated.raw_dir, seed_nulls=False)), generated.database


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def close(got: float | None, expected: float | None) -> bool:
    if got is None or expected is None:
        return got is None and expected is None
    return abs(got - expected) <= TOLERANCE


def test_funnel_rows_match_the_oracle(dataset: tuple[dict[str, Deal], Path]) -> None:
    found, warehouse = dataset
    expected = funnel(found)
    rows = query(
        warehouse,
        "select cohort_month, breakdown_dimension, breakdown_value, stage_name, reached_count, stage_conversion_rate,"
        " cumulative_conversion_rate, drop_off_rate, median_days_in_stage, completed_entry_count, is_largest_drop_off"
        " from marts.rpt_funnel_conversion_monthly",
    )
    built = {tuple(row[:4]): FunnelRow(*row[4:]) for row in rows}
    assert len(expected) > 1000
    assert set(built) == set(expected)
    mismatched = []
    for key, want in expected.items():
        got = built[key]
        same = (
            got.reached_count == want.reached_count
            and got.completed_entry_count == want.completed_entry_count
            and got.is_largest_drop_off == want.is_largest_drop_off
            and all(
                close(getattr(got, name), getattr(want, name))
                for name in (
                    "stage_conversion_rate",
                    "cumulative_conversion_rate",
                    "drop_off_rate",
                    "median_days_in_stage",
                )
            )
        )
        if not same:
            mismatched.append((key, got, want))
    assert not mismatched, mismatched[:5]
    # the checks bite: skipped stages, zero denominators and ties all occur
    assert any(row.stage_conversion_rate is None and key[3] != "lead" for key, row in expected.items())


def test_per_lead_source_conversion_win_rates_and_cycle(dataset: tuple[dict[str, Deal], Path]) -> None:
    found, warehouse = dataset
    expected = per_lead_source(found)
    reached: dict[str, list[int]] = defaultdict(lambda: [0] * len(FUNNEL_STAGES))
    for source, stage_order, count in query(
        warehouse,
        "select breakdown_value, stage_order, reached_count from marts.rpt_funnel_conversion_monthly"
        " where breakdown_dimension = 'lead_source'",
    ):
        reached[source][stage_order - 1] += count
    rates = {
        source: figures
        for source, *figures in query(
            warehouse,
            "select lead_source,"
            " cast(count(case when is_won then 1 end) as double) / nullif(count(case when is_closed then 1 end), 0),"
            " cast(sum(case when is_won then amount_reporting else 0 end) as double)"
            " / nullif(cast(sum(case when is_closed then amount_reporting end) as double), 0),"
            " quantile_cont(case when is_won then sales_cycle_days end, 0.5)"
            " from marts.fct_opportunities group by lead_source",
        )
    }
    assert set(reached) == set(expected) == set(rates)
    assert len(expected) >= 5
    for source, want in expected.items():
        counts = reached[source]
        conversions = (None, *(counts[k] / counts[k - 1] if counts[k - 1] else None for k in range(1, len(counts))))
        win_count, win_amount, median_cycle = rates[source]
        got = LeadSourceFigures(tuple(counts), conversions, win_count, win_amount, median_cycle)
        assert got.reached == want.reached, source
        assert all(close(a, b) for a, b in zip(got.stage_conversion, want.stage_conversion, strict=True)), source
        assert close(got.win_rate_by_count, want.win_rate_by_count), (source, got, want)
        assert close(got.win_rate_by_amount, want.win_rate_by_amount), (source, got, want)
        assert close(got.median_won_cycle_days, want.median_won_cycle_days), (source, got, want)


def test_opportunities_match_the_oracle(dataset: tuple[dict[str, Deal], Path]) -> None:
    found, warehouse = dataset
    rows = query(
        warehouse,
        "select opportunity_id, lead_source, furthest_stage_order, sales_cycle_days, amount_reporting"
        " from marts.fct_opportunities",
    )
    built = {row[0]: row[1:] for row in rows}
    assert set(built) == set(found)
    mismatched = [
        (key, built[key], deal)
        for key, deal in found.items()
        if built[key] != (deal.lead_source, deal.furthest_stage_order, deal.sales_cycle_days, deal.amount_reporting)
    ]
    assert not mismatched, mismatched[:5]
    assert any(deal.sales_cycle_days == 0 for deal in found.values()) or len(found) < 500


# --- snapshot --------------------------------------------------------------------------------


def snapshot_rows(warehouse: Path, opportunity_id: str) -> list[tuple]:
    return query(
        warehouse,
        "select stage_name, amount, dbt_valid_from, dbt_valid_to from snapshots.snap_opportunities"
        f" where opportunity_id = '{opportunity_id}' order by dbt_valid_from",
    )


@pytest.mark.slow
def test_snapshot_keeps_the_history_of_a_changed_opportunity(generated_set: GeneratedSet, tmp_path: Path) -> None:
    """Snapshot, change one open deal's stage and amount in the export, rebuild its staging, snapshot again."""
    warehouse = tmp_path / "crm.duckdb"
    shutil.copyfile(generated_set.database, warehouse)
    raw = tmp_path / "raw"
    shutil.copytree(generated_set.raw_dir, raw)
    header, rows = read_rows(raw / "raw_opportunities.csv")
    raw_rows_by_id: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        raw_rows_by_id[row["opportunity_id"]].append(row)
    candidates = query(
        warehouse,
        "select opportunity_id, stage_name, amount from snapshots.snap_opportunities"
        " order by is_closed, opportunity_id",
    )
    # an accepted deal exported once (no dirty copy to supersede), open ones first; it moves to another stage
    # of the same kind (open or closed), so no other rule of staging changes its fate
    opportunity_id, old_stage, amount = next(
        (key, stage, Decimal(str(value))) for key, stage, value in candidates if len(raw_rows_by_id[key]) == 1
    )
    new_stage = NEXT_STAGE[old_stage]
    changed = raw_rows_by_id[opportunity_id][0]
    env = {"CRM_TARGET": "duckdb", "CRM_DUCKDB_PATH": str(warehouse), "CRM_RAW_DIR": str(raw), "CRM_RAW_FORMAT": "csv"}
    before = snapshot_rows(warehouse, opportunity_id)
    assert len(before) == 1 and before[0][3] is None, before

    changed["stage"], changed["amount"] = new_stage, str(amount + 1000)
    write_rows(raw / "raw_opportunities.csv", header, rows)
    run = run_dbt(
        SNAPSHOT_REBUILD,
        tmp_path / "target",
        env,
    )
    assert run.returncode == 0, run.tail()

    after = snapshot_rows(warehouse, opportunity_id)
    assert [(stage, Decimal(value)) for stage, value, _, _ in after] == [
        (old_stage, amount),
        (new_stage, amount + 1000),
    ]
    (_, _, first_from, first_to), (_, _, second_from, second_to) = after
    assert first_from == before[0][2]
    assert first_to is not None and first_to == second_from and second_to is None
    unchanged = query(
        warehouse,
        "select count(*) from snapshots.snap_opportunities"
        f" where opportunity_id <> '{opportunity_id}' and dbt_valid_to is not null",
    )[0][0]
    assert unchanged == 0, "only the changed opportunity gets a new version"
