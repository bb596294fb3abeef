"""Incremental builds give exactly the tables of a full build (DECISIONLOG "Scale: incremental event facts").

The generated set (conftest.generated_set: raw CSVs and their built DuckDB file) is copied; about 1% new
event rows are appended to the copied raw files (crmwh.gen_append: new orders with their lines, new versions
of old orders, sessions, email events, activities, and rows staging rejects: an unparseable time, an exact
duplicate, two identical keyless rows). The copied warehouse is then built incrementally from the appended
files, and a fresh file is built in full from them; every table the full build made (the five incremental
event base models, the staging and intermediate tables and the marts on them) must hold the same rows in
both (EXCEPT ALL both ways). A second incremental build without new rows changes nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import GeneratedSet, run_dbt
from crmwh.gen_append import EVENT_TABLES, append_rows

pytestmark = pytest.mark.slow

INCREMENTAL_MODELS = [f"base_crm__{table}" for table in EVENT_TABLES]
# the incremental models, the marts on them the issue names, and all they read
SELECTION = [
    "--select",
    *(f"+{model}" for model in INCREMENTAL_MODELS),
    "+fct_orders",
    "+fct_order_items",
    "+rpt_web_conversion_monthly",
    "path:seeds/lookups",
    "--exclude",
    "path:seeds/raw",
    "--resource-type",
    "model",
    "--resource-type",
    "seed",
]


def run(database: Path, raw_dir: Path, target: Path, args: list[str]) -> list[dict]:
    env = {"CRM_TARGET": "duckdb", "CRM_DUCKDB_PATH": str(database), "CRM_RAW_DIR": str(raw_dir)}
    env["CRM_RAW_FORMAT"] = "csv"
    result = run_dbt(args, target, env)
    assert result.returncode == 0, result.tail()
    return result.results()


def built_tables(database: Path) -> list[str]:
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
            " where table_type = 'BASE TABLE' and table_schema in ('staging', 'intermediate', 'marts')"
        ).fetchall()
    return sorted(row[0] for row in rows)


def differences(left: Path, right: Path, tables: list[str]) -> dict[str, tuple[int, int]]:
    """Per table with a difference: (rows only in left, rows only in right), duplicates counted."""
    found = {}
    with duckdb.connect(str(left), read_only=True) as con:
        con.execute(f"attach '{right}' as other (read_only)")
        for table in tables:
            only_left = con.execute(
                f"select count(*) from (select * from {table} except all select * from other.{table})"
            ).fetchone()[0]
            only_right = con.execute(
                f"select count(*) from (select * from other.{table} except all select * from {table})"
            ).fetchone()[0]
            if only_left or only_right:
                found[table] = (only_left, only_right)
    return found


def row_counts(database: Path, tables: list[str]) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {table: con.execute(f"select count(*) from {table}").fetchone()[0] for table in tables}


def test_incremental_build_equals_full_build(generated_set: GeneratedSet, tmp_path: Path) -> None:
    raw_dir = tmp_path / "raw"
    shutil.copytree(generated_set.raw_dir, raw_dir)
    appended = append_rows(raw_dir, share=0.01, seed=1, fmt="csv")
    assert all(n > 0 for n in appended.values()), appended

    incremental = tmp_path / "incremental.duckdb"
    shutil.copyfile(generated_set.database, incremental)
    base_tables = [f"staging.{model}" for model in INCREMENTAL_MODELS]
    before = row_counts(incremental, base_tables)
    results = run(incremental, raw_dir, tmp_path / "target_incremental", ["build", *SELECTION])
    compiled = {r["unique_id"].rsplit(".", 1)[-1]: r.get("compiled_code") or "" for r in results}
    for model in INCREMENTAL_MODELS:  # the incremental branch ran (not a rebuild)
        assert "affected_keys" in compiled[model], model
    after = row_counts(incremental, base_tables)
    for table in EVENT_TABLES:  # one base row per raw row: exactly the appended rows were added
        assert after[f"staging.base_crm__{table}"] - before[f"staging.base_crm__{table}"] == appended[table]

    full = tmp_path / "full.duckdb"
    run(full, raw_dir, tmp_path / "target_full", ["build", *SELECTION])
    tables = built_tables(full)
    assert set(base_tables) <= set(tables)
    assert "marts.fct_orders" in tables and "marts.rpt_web_conversion_monthly" in tables
    assert differences(incremental, full, tables) == {}

    # no new rows: a second incremental build of the event base models changes nothing
    again = tmp_path / "again.duckdb"
    shutil.copyfile(incremental, again)
    run(again, raw_dir, tmp_path / "target_again", ["run", "--select", *INCREMENTAL_MODELS])
    assert differences(again, incremental, base_tables) == {}
