"""Oracle tests of rpt_crm_adoption_weekly, recomputed in plain Python from the raw CSVs (oracle_adoption.py) and
equal to the mart: every rep-week (none missing, none extra), its logins, login days, activities and notes created,
open and abandoned leads at week end and the touch-window counts exactly, the rates to 1e-9.

On the demo seeds (the session's ``warehouse``) and on the session's small generated data set (conftest
``generated_set``; marked slow).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from conftest import SEEDS_RAW, GeneratedSet
from oracle import Accepted, accept_all
from oracle_adoption import ADOPTION_SQL, adoption_mismatches, adoption_weeks
from oracle_sales_leads import as_of_date


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def check(accepted: dict[str, Accepted], database: Path, min_rows: int) -> None:
    assert as_of_date(accepted) == query(database, "select as_of_date from intermediate.int_as_of_date")[0][0]
    expected = adoption_weeks(accepted)
    assert len(expected) >= min_rows
    figures = list(expected.values())
    # the rules are exercised: notes, repeat logins on a day, abandoned leads, touched and untouched windows
    assert any(week.notes_created for week in figures)
    assert any(week.logins > week.login_days for week in figures)
    assert any(week.leads_abandoned for week in figures)
    assert any(week.leads_touched_in_window for week in figures)
    assert any(week.leads_touched_in_window < week.leads_touch_window_closed for week in figures)
    assert not (problems := adoption_mismatches(expected, query(database, ADOPTION_SQL))), problems[:10]


def test_weekly_crm_adoption_matches_the_oracle_on_the_demo(warehouse: Path) -> None:
    check(accept_all(SEEDS_RAW), warehouse, min_rows=1000)


@pytest.mark.slow
def test_weekly_crm_adoption_matches_the_oracle_on_generated_data(generated_set: GeneratedSet) -> None:
    check(accept_all(generated_set.raw_dir, seed_nulls=False), generated_set.database, min_rows=50)
