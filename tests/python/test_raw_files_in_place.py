"""The same staging SQL reads generated exports in place (CRM_RAW_DIR), as a large tier would.

A small generated data set is written twice with the same seed, as CSV and as
Parquet. Staging is built from each folder through the source raw
(its external_location reads the files; no `dbt seed` of raw data), and the accepted
rows per table must equal what the Python oracle accepts from the CSV files.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from conftest import run_dbt
from oracle import ORDER, accept_all, read_raw
from reliability_helpers import generate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("generated")
    folders = {}
    for fmt in ("csv", "parquet"):
        folders[fmt] = generate(root / fmt, customers=400, seed=7, fmt=fmt)
    return folders


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_build_reads_generated_files_in_place(fmt: str, generated: dict[str, Path], tmp_path: Path) -> None:
    database = tmp_path / "crm.duckdb"
    env = {
        "CRM_TARGET": "duckdb",
        "CRM_DUCKDB_PATH": str(database),
        "CRM_RAW_DIR": str(generated[fmt]),
        "CRM_RAW_FORMAT": fmt,
    }
    # what reads the files is staging (the marts read staging whatever the format: the whole warehouse is
    # built from files in place by conftest.generated_set); lookup seeds for staging's tests
    selection = ["--select", "path:models/staging", "path:seeds/lookups", "--indirect-selection", "cautious"]
    run = run_dbt(["build", *selection, "--exclude", "path:seeds/raw", "test_type:unit"], tmp_path / "target", env)
    assert run.returncode == 0, run.tail()
    # no raw seed was loaded: the raw tables were read from the files
    seeds_run = [r for r in run.results() if r["unique_id"].startswith("seed.crm_warehouse.raw_")]
    assert seeds_run == []

    accepted = accept_all(generated["csv"], seed_nulls=False)
    with duckdb.connect(str(database), read_only=True) as con:
        for table in ORDER:
            built = con.execute(f"select count(*) from staging.stg_crm__{table}").fetchall()[0][0]
            rejected = con.execute(
                "select count(*) from staging.stg_crm__rejections where source_table = ?", [table]
            ).fetchall()[0][0]
            assert built == len(accepted[table].rows), table
            assert built + rejected == len(read_raw(generated["csv"], table, seed_nulls=False)), table
