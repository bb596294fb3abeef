"""The benchmark command (crmwh.benchmark): its tables, the DAG order of the floor, the reuse of an export,
and (slow) the floor run on the shared generated set, whose tables must match that build's row counts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from crmwh import benchmark
from crmwh.contract import TABLES
from crmwh.generate import DEFAULT_DIRTY_RATE, TIERS


def model(name: str, parents: list[str], materialized: str = "table", **extra: object) -> tuple[str, dict]:
    uid = f"model.crm_warehouse.{name}"
    node = {
        "unique_id": uid,
        "resource_type": "model",
        "name": name,
        "alias": name,
        "database": "crm",
        "schema": "marts",
        "relation_name": f'"crm"."marts"."{name}"',
        "language": "sql",
        "depends_on": {"nodes": parents},
        "config": {"materialized": materialized, "contract": {"enforced": False}},
        "compiled_code": "select 1 as id",
        "columns": {},
        "constraints": [],
        **extra,
    }
    return uid, node


def test_dag_order_puts_every_model_after_its_parents() -> None:
    m = "model.crm_warehouse."
    nodes = dict(
        [
            model("mart", [f"{m}int_b", f"{m}int_a", "seed.crm_warehouse.currencies"]),
            model("int_b", [f"{m}base", "source.crm_warehouse.raw.raw_orders"], "view"),
            model("int_a", [f"{m}base", f"{m}eph"], "view"),
            model("eph", [f"{m}base"], "ephemeral"),
            model("base", ["source.crm_warehouse.raw.raw_orders"]),
            model("other", []),
        ]
    )
    nodes["test.crm_warehouse.unique_mart_id.abc"] = {"resource_type": "test", "depends_on": {"nodes": [f"{m}mart"]}}
    manifest = {"nodes": nodes}
    order = [node["name"] for node in benchmark.dag_order(manifest)]
    assert order == ["base", "eph", "int_a", "int_b", "mart", "other"]
    # ephemeral models are inlined by dbt: the floor runs the others
    assert [node["name"] for node in benchmark.model_relations(manifest)] == ["base", "int_a", "int_b", "mart", "other"]
    nodes[f"{m}base"]["depends_on"]["nodes"].append(f"{m}mart")
    with pytest.raises(ValueError, match="cycle"):
        benchmark.dag_order(manifest)


def test_model_statements_follow_the_materialization_and_the_contract() -> None:
    _, view = model("v", [], "view")
    assert benchmark.model_statements(view) == ['create view "crm"."marts"."v" as (\nselect 1 as id\n)']
    _, table = model("t", [], "incremental")
    assert benchmark.model_statements(table) == ['create table "crm"."marts"."t" as (\nselect 1 as id\n)']
    columns = {
        "id": {"name": "id", "data_type": "integer", "constraints": [{"type": "not_null"}]},
        "name": {"name": "name", "data_type": "varchar", "constraints": []},
    }
    _, contracted = model("c", [], columns=columns)
    contracted["config"]["contract"] = {"enforced": True}
    contracted["compiled_code"] = "select 'a' as name, 1 as id"
    create, insert = benchmark.model_statements(contracted)
    assert create == 'create table "crm"."marts"."c" (id integer not null, name varchar)'
    assert insert.startswith('insert into "crm"."marts"."c" (id, name) (select id, name from (')
    con = duckdb.connect()
    con.execute("attach ':memory:' as crm")
    con.execute("create schema crm.marts")
    for statement in (create, insert):
        con.execute(statement)
    assert con.execute("select id, name from crm.marts.c").fetchall() == [(1, "a")]


def test_tables_and_sizes() -> None:
    phases = [
        benchmark.Phase("generate tier demo", None, None, 5 * 2**20, "reused", ratio=False),
        benchmark.Phase("full build", 95.0, 1.234, 3 * 2**30),
        benchmark.Phase("full: dbt build", 40.0, note="run_results.json elapsed_time"),
        benchmark.Phase("floor", 20.0, 0.5, 1536),
    ]
    assert benchmark.phase_table(phases, 20.0).splitlines() == [
        "| phase | seconds | peak RSS (GiB) | file size | ratio to floor |",
        "| --- | ---: | ---: | ---: | ---: |",
        "| generate tier demo (reused) |  |  | 5.0 MiB |  |",
        "| full build | 95.0 | 1.23 | 3.0 GiB | 4.75x |",
        "| full: dbt build (run_results.json elapsed_time) | 40.0 |  |  | 2.00x |",
        "| floor | 20.0 | 0.50 | 1.5 KiB | 1.00x |",
    ]
    assert "|  |" in benchmark.phase_table(phases, None).splitlines()[3]  # no floor: no ratio
    assert benchmark.human_size(512) == "512 B"
    run_results = {
        "results": [
            {"unique_id": "model.crm_warehouse.fct_orders", "execution_time": 2.5},
            {"unique_id": "test.crm_warehouse.unique_fct_orders_order_id.ab12", "execution_time": 4.0},
            {"unique_id": "unit_test.crm_warehouse.fct_orders.test_refunds", "execution_time": 0.5},
        ]
    }
    manifest = {"nodes": {"test.crm_warehouse.unique_fct_orders_order_id.ab12": {"name": "unique_fct_orders_order_id"}}}
    slowest = benchmark.slowest_nodes(run_results, manifest, count=2)
    assert slowest == [
        {"name": "unique_fct_orders_order_id", "type": "test", "seconds": 4.0},
        {"name": "fct_orders", "type": "model", "seconds": 2.5},
    ]
    assert benchmark.slowest_nodes(run_results, None)[2]["type"] == "unit test"
    assert benchmark.slowest_table(slowest).splitlines()[2] == "| unique_fct_orders_order_id | test | 4.00 |"


def test_an_export_is_reused_only_for_the_same_tier_seed_and_format(tmp_path: Path) -> None:
    (tmp_path / "_meta").mkdir()
    truth = {
        "generator": "crmwh.generate",
        "tier": "demo",
        "seed": 42,
        "format": "parquet",
        "customers": TIERS["demo"].customers,
        "dirty_rate": DEFAULT_DIRTY_RATE,
    }
    (tmp_path / "_meta" / "truth.json").write_text(json.dumps(truth))
    for table in TABLES:
        (tmp_path / f"raw_{table.name}.parquet").write_bytes(b"x")
    assert benchmark.export_matches(tmp_path, "demo", 42, "parquet")
    assert not benchmark.export_matches(tmp_path, "demo", 43, "parquet")
    assert not benchmark.export_matches(tmp_path, "demo", 42, "csv")
    assert not benchmark.export_matches(tmp_path, "M", 42, "parquet")
    (tmp_path / f"raw_{TABLES[-1].name}.parquet").unlink()
    assert not benchmark.export_matches(tmp_path, "demo", 42, "parquet")  # a file missing
    assert not benchmark.export_matches(tmp_path / "nothing", "demo", 42, "parquet")


def test_phases_and_duckdb_settings(tmp_path: Path) -> None:
    assert benchmark.parse_phases(None, build=False) == ["generate"]
    assert benchmark.parse_phases(None, build=True) == list(benchmark.PHASES)
    assert benchmark.parse_phases("floor,full", build=False) == ["full", "floor"]
    with pytest.raises(Exception, match="unknown phase"):
        benchmark.parse_phases("full,flour", build=False)
    database = tmp_path / "crm.duckdb"
    # the floor's defaults are the profile's: dbt and the floor run under the same limits
    profile = (benchmark.ROOT / "profiles.yml").read_text()
    assert "env_var('CRM_DUCKDB_MEMORY_LIMIT', '6GB')" in profile
    assert "env_var('CRM_DUCKDB_PRESERVE_INSERTION_ORDER', 'false')" in profile
    assert "env_var('CRM_DUCKDB_PATH', 'warehouse/crm.duckdb') ~ '.tmp'" in profile
    assert benchmark.duckdb_settings(database, {}) == {
        "memory_limit": "6GB",
        "temp_directory": str(tmp_path / "crm.duckdb.tmp"),
        "preserve_insertion_order": False,
    }
    env = {"CRM_DUCKDB_MEMORY_LIMIT": "2GB", "CRM_DUCKDB_TEMP_DIR": "/t", "CRM_DUCKDB_PRESERVE_INSERTION_ORDER": "true"}
    assert benchmark.duckdb_settings(database, env) == {
        "memory_limit": "2GB",
        "temp_directory": "/t",
        "preserve_insertion_order": True,
    }


@pytest.mark.slow
def test_the_floor_rebuilds_the_generated_set_with_its_row_counts(generated_set, tmp_path: Path) -> None:
    """The floor on the generated set's manifest (compiled on a fresh file: every model's full SQL) into a file
    of the same name (its catalog), the lookup seeds copied from that build: every table has its row count."""
    manifest = benchmark.load_json(generated_set.target_path / "manifest.json")
    database = tmp_path / generated_set.database.name
    source = tmp_path / "source" / generated_set.database.name
    source.parent.mkdir()
    shutil.copyfile(generated_set.database, source)  # the shared file is only read; a copy is never locked
    seeds = benchmark.copy_seeds(manifest, database, source)
    assert "currencies" in seeds
    figures = benchmark.run_floor(manifest, database)
    assert len(figures["models"]) >= 100
    tables, differences = benchmark.compare_tables(manifest, database, source)
    assert tables >= 70
    assert not differences
