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

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import GeneratedSet, run_dbt
from crmwh.gen_append import EVENT_TABLES, append_rows

pytestmark = pytest.mark.slow

INCREMENTAL_MODELS = [f"base_crm__{table}" for table in EVENT_TABLES]
INCREMENTAL_MARTS = ["int_order_items_converted", "fct_order_items"]
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


def change_raw_value(path: Path, keys: list[str], candidates: list[tuple], column: str, value: str) -> tuple:
    """Set column to value in the rows of a raw CSV whose keys hold the first of candidates found there
    (the export may spell a key otherwise); returns that candidate."""
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    present = {tuple(row[key] for key in keys) for row in rows}
    chosen = next(candidate for candidate in candidates if candidate in present)
    for row in rows:
        if tuple(row[key] for key in keys) == chosen:
            row[column] = value
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return chosen


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
    # rows the incremental order lines must notice although no event row changed: a product's unit
    # cost and an order-date rate (products and rates are full tables, rebuilt every build)
    with duckdb.connect(str(generated_set.database), read_only=True) as con:
        products = con.execute(
            "select distinct product_id from marts.fct_order_items where unit_cost > 0 order by 1"
        ).fetchall()
        rates = con.execute(
            "select distinct strftime(rates.rate_date, '%Y-%m-%d'), rates.currency_code"
            " from staging.stg_crm__fx_rates as rates inner join marts.fct_order_items as lines"
            " on rates.rate_date = lines.order_date and rates.currency_code = lines.currency_code"
            " where lines.currency_code <> lines.reporting_currency_code order by 1 desc, 2"
        ).fetchall()
    assert products and rates
    change_raw_value(raw_dir / "raw_products.csv", ["product_id"], products, "unit_cost", "987.65")
    change_raw_value(raw_dir / "raw_fx_rates.csv", ["rate_date", "currency"], rates, "rate_to_usd", "1.2345")

    incremental = tmp_path / "incremental.duckdb"
    shutil.copyfile(generated_set.database, incremental)
    base_tables = [f"staging.{model}" for model in INCREMENTAL_MODELS]
    before = row_counts(incremental, base_tables)
    results = run(incremental, raw_dir, tmp_path / "target_incremental", ["build", *SELECTION])
    compiled = {r["unique_id"].rsplit(".", 1)[-1]: r.get("compiled_code") or "" for r in results}
    for model in INCREMENTAL_MODELS:  # the incremental branch ran (not a rebuild)
        assert "affected_keys" in compiled[model], model
    for model in INCREMENTAL_MARTS:
        assert "held.order_item_id is null" in compiled[model], model  # groups_with_rows_not_held
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
    run(again, raw_dir, tmp_path / "target_again", ["run", "--select", *INCREMENTAL_MODELS, *INCREMENTAL_MARTS])
    mart_tables = ["intermediate.int_order_items_converted", "marts.fct_order_items"]
    assert differences(again, incremental, base_tables + mart_tables) == {}
