"""Oracle tests of the KPI scoreboard (rpt_crm_kpis_monthly, rpt_crm_kpis_by_segment): a few KPIs recomputed in
plain Python from the raw CSVs by the oracles of the marts that define them (oracle_kpis_scoreboard.py) equal the
scoreboard: logo churn rate, NPS (and its answer count), CES and the sales cycle of every month; NPS and CES of
every month and segment. Rates and scores to 1e-9, counts exactly. The scoreboard runs to the as-of month.

On the demo seeds (the session's ``warehouse``) and on the session's small generated data set (conftest
``generated_set``; marked slow).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from conftest import SEEDS_RAW, GeneratedSet
from oracle import Accepted
from oracle_kpis_scoreboard import ScoreboardMonth, accept_needed, scoreboard, segment_scores
from oracle_sales_reps import as_of_date

TOLERANCE = 1e-9
KPIS = ("logo_churn_rate", "nps_score", "nps_response_count", "ces_average_effort", "avg_sales_cycle_days")


def query(database: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, parameters).fetchall()


def close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= TOLERANCE)


def check(
    accepted: dict[str, Accepted], database: Path, min_valued_months: int, valued: tuple[str, ...] = KPIS
) -> None:
    rows = query(database, f"select month_start_date, {', '.join(KPIS)} from marts.rpt_crm_kpis_monthly")
    built = {row[0]: ScoreboardMonth(*row[1:]) for row in rows}
    months = sorted(built)
    assert months[-1] == as_of_date(accepted).replace(day=1), "the scoreboard ends with the as-of month"
    expected = scoreboard(accepted, months)
    mismatches = [
        (month, kpi, getattr(built[month], kpi), getattr(expected[month], kpi))
        for month in months
        for kpi in KPIS
        if not close(getattr(built[month], kpi), getattr(expected[month], kpi))
    ]
    assert mismatches == []
    for kpi in valued:
        assert sum(getattr(built[month], kpi) is not None for month in months) >= min_valued_months, kpi

    by_segment = {
        (month, segment, kpi_name): value
        for month, segment, kpi_name, value in query(
            database,
            "select month_start_date, segment, kpi_name, kpi_value from marts.rpt_crm_kpis_by_segment"
            " where kpi_name in ('nps_score', 'ces_average_effort')",
        )
    }
    expected_segments = {key: value for key, value in segment_scores(accepted).items() if key[0] in built}
    assert set(by_segment) == set(expected_segments)
    assert [
        (key, value, expected_segments[key])
        for key, value in by_segment.items()
        if not close(value, expected_segments[key])
    ] == []


def test_scoreboard_matches_the_oracles_on_the_demo(warehouse: Path) -> None:
    check(
        accept_needed(SEEDS_RAW),
        warehouse,
        min_valued_months=20,
        valued=("logo_churn_rate", "nps_score", "nps_response_count", "avg_sales_cycle_days"),
    )


@pytest.mark.slow
def test_scoreboard_matches_the_oracles_on_generated_data(generated_set: GeneratedSet) -> None:
    # 400 customers: too few survey answers a month for an NPS score (min_survey_responses), so only the counts
    check(
        accept_needed(generated_set.raw_dir, seed_nulls=False),
        generated_set.database,
        min_valued_months=3,
        valued=("logo_churn_rate", "nps_response_count", "avg_sales_cycle_days"),
    )


def test_first_month_is_the_first_with_a_value(warehouse: Path) -> None:
    first: date = query(warehouse, "select min(month_start_date) from marts.rpt_crm_kpis_monthly")[0][0]
    assert query(
        warehouse,
        "select count(*) from marts.rpt_crm_kpis_monthly where month_start_date = ?"
        " and coalesce(nps_score, ces_average_effort, renewal_rate, logo_churn_rate, avg_sales_cycle_days,"
        " retention_cost_per_retained_customer_reporting, cac_reporting, net_new_revenue_reporting, avg_clv_reporting,"
        " marketing_roi, traffic_to_lead_rate) is not null",
        [first],
    ) == [(1,)]
