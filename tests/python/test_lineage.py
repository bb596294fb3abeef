"""dbt's lineage starts at the raw sources, in every mode the raw exports are read (`dbt parse` only, no build).

Modes: the demo seeds (CRM_RAW_DIR unset), and files read in place from CRM_RAW_DIR as csv and as parquet.
In each, from target/manifest.json: the 21 raw tables of the contract are declared once (one source, raw),
no source is orphaned, every base model reads exactly its own raw table as a source, no model refs a seed of
seeds/raw, and the relation each source names (its meta external_location, what dbt-duckdb reads and
what `dbt source freshness` checks) is the seed table or the file of the mode. One slow test runs
`dbt source freshness` on the loaded seeds and on the same CSV files read in place: every source's latest
date equals the latest well-formed date of its file, computed here in Python.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from conftest import SEEDS_RAW, run_dbt
from crmwh.contract import TABLES

RAW_DIR = "/data/exports/raw_m"
MODES = {
    "seeds": {},
    "csv": {"CRM_RAW_DIR": RAW_DIR, "CRM_RAW_FORMAT": "csv"},
    "parquet": {"CRM_RAW_DIR": RAW_DIR, "CRM_RAW_FORMAT": "parquet"},
}


@pytest.fixture(scope="module", params=list(MODES))
def manifest(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict]:
    mode = request.param
    work = tmp_path_factory.mktemp(f"lineage_{mode}")
    env = {"CRM_TARGET": "duckdb", "CRM_DUCKDB_PATH": str(work / "crm.duckdb"), **MODES[mode]}
    run = run_dbt(["parse"], work / "target", env)
    assert run.returncode == 0, run.tail()
    return mode, json.loads((work / "target" / "manifest.json").read_text(encoding="utf-8"))


def test_each_raw_table_is_declared_once(manifest: tuple[str, dict]) -> None:
    _, found = manifest
    sources = {(node["source_name"], node["name"]) for node in found["sources"].values()}
    assert sources == {("raw", f"raw_{table.name}") for table in TABLES}
    assert len(found["sources"]) == 21


def test_no_source_is_orphaned(manifest: tuple[str, dict]) -> None:
    _, found = manifest
    orphans = sorted(key for key in found["sources"] if not found["child_map"].get(key))
    assert orphans == []


def test_every_base_model_reads_exactly_its_own_source(manifest: tuple[str, dict]) -> None:
    _, found = manifest
    for table in TABLES:
        node = found["nodes"][f"model.crm_warehouse.base_crm__{table.name}"]
        read = sorted(key for key in node["depends_on"]["nodes"] if key.startswith("source."))
        assert read == [f"source.crm_warehouse.raw.raw_{table.name}"], table.name
        assert node["sources"] == [["raw", f"raw_{table.name}"]], table.name


def test_only_base_models_read_sources(manifest: tuple[str, dict]) -> None:
    _, found = manifest
    readers = {
        child
        for key in found["sources"]
        for child in found["child_map"][key]
        if child.startswith("model.")  # unit tests of base models mock the source and count as children too
    }
    assert readers == {f"model.crm_warehouse.base_crm__{table.name}" for table in TABLES}


def test_no_model_refs_a_raw_seed(manifest: tuple[str, dict]) -> None:
    _, found = manifest
    raw_seeds = {
        key
        for key, node in found["nodes"].items()
        if node["resource_type"] == "seed" and node["original_file_path"].startswith("seeds/raw/")
    }
    assert len(raw_seeds) == 21  # still loaded by `dbt seed` for the demo
    readers = sorted(
        key
        for key, node in found["nodes"].items()
        if node["resource_type"] in ("model", "snapshot", "unit_test")
        and raw_seeds & set(node.get("depends_on", {}).get("nodes", []))
    )
    assert readers == []


def test_sources_name_what_the_mode_reads_and_check_its_freshness(manifest: tuple[str, dict]) -> None:
    mode, found = manifest
    for table in TABLES:
        source = found["sources"][f"source.crm_warehouse.raw.raw_{table.name}"]
        location = source["meta"]["external_location"]
        if mode == "seeds":
            # dbt-duckdb fills in the source's own database, schema (raw) and identifier: the seed's table
            assert location == '(select * from "{database}"."{schema}"."{identifier}")'
            assert (source["schema"], source["identifier"]) == ("raw", f"raw_{table.name}")
        elif mode == "csv":
            assert f"read_csv('{RAW_DIR}/raw_{table.name}.csv', header = true" in location
        else:
            assert location == f"read_parquet('{RAW_DIR}/raw_{table.name}.parquet')"
        assert source["loaded_at_field"] and table.loaded_at in source["loaded_at_field"]
        assert source["freshness"]["error_after"]["count"] == 7


# the latest date of a raw file that freshness reads: ISO YYYY-MM-DD with a month 01-12 and a day 01-28
WELL_FORMED = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])")


NO_DATE = "0001-01-01"  # what dbt reports as max_loaded_at when no value qualifies (raw_order_items has no date)


def latest_dates() -> dict[str, str]:
    latest = {}
    for table in TABLES:
        with (SEEDS_RAW / f"{table.raw_name}.csv").open(encoding="utf-8", newline="") as handle:
            values = [row[table.loaded_at] or "" for row in csv.DictReader(handle)]
        latest[table.raw_name] = max((value[:10] for value in values if WELL_FORMED.match(value)), default=NO_DATE)
    return latest


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["seeds", "csv"])
def test_source_freshness_reads_what_the_build_reads(mode: str, tmp_path: Path) -> None:
    env = {"CRM_TARGET": "duckdb", "CRM_DUCKDB_PATH": str(tmp_path / "crm.duckdb")}
    if mode == "seeds":
        seeded = run_dbt(["seed", "--select", "path:seeds/raw"], tmp_path / "seed", env)
        assert seeded.returncode == 0, seeded.tail()
    else:
        env.update({"CRM_RAW_DIR": str(SEEDS_RAW), "CRM_RAW_FORMAT": "csv"})  # nothing loaded: read in place
    run = run_dbt(["source", "freshness", "--output", str(tmp_path / "sources.json")], tmp_path / "target", env)
    results = json.loads((tmp_path / "sources.json").read_text(encoding="utf-8"))["results"]
    found = {result["unique_id"].split(".")[-1]: (result.get("max_loaded_at") or "")[:10] for result in results}
    assert found == latest_dates(), run.tail()
