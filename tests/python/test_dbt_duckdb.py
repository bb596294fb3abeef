"""`dbt build` of the whole project on the demo seeds, on the embedded DuckDB default."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import duckdb

from conftest import DbtRun, build_statuses, run_dbt


def test_dbt_build_passes_on_duckdb(duckdb_build: tuple[DbtRun, Path]) -> None:
    run, _ = duckdb_build
    assert run.returncode == 0, run.tail()
    statuses = build_statuses(run)
    assert set(statuses) <= {"success", "pass"}, statuses


def test_build_ran_models_data_tests_and_unit_tests(duckdb_build: tuple[DbtRun, Path]) -> None:
    run, _ = duckdb_build
    kinds = Counter(result["unique_id"].split(".")[0] for result in run.results())
    assert kinds["model"] >= 20, kinds
    assert kinds["seed"] >= 21, kinds
    assert kinds["unit_test"] >= 4, kinds
    assert kinds["test"] >= 100, kinds


def test_marts_are_populated(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()
        names = [row[0] for row in tables]
        for name in ("dim_customers", "dim_products", "dim_sales_reps", "dim_dates", "fct_orders", "fct_order_items"):
            assert name in names
            count = con.execute(f"select count(*) from marts.{name}").fetchall()[0][0]
            assert count > 0, name


def test_docs_generate(warehouse: Path, tmp_path: Path) -> None:
    # dbt opens its database read-write: a copy of the demo build, which other tests (and workers) read
    database = tmp_path / "crm.duckdb"
    shutil.copyfile(warehouse, database)
    run = run_dbt(["docs", "generate"], tmp_path / "target", {"CRM_TARGET": "duckdb", "CRM_DUCKDB_PATH": str(database)})
    assert run.returncode == 0, run.tail()
    assert (tmp_path / "target" / "catalog.json").exists()
    assert (tmp_path / "target" / "index.html").exists()
