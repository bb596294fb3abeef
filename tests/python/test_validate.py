"""Validation (Great Expectations suites of crmwh.expectations) and the validated publish of crmwh.build."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from crmwh import build as crm_build
from reliability_helpers import CORE_SELECTION, run_module, sha256_of

ROOT = Path(__file__).resolve().parents[2]
FORCED_FAILURE_SUITES = """
import great_expectations.expectations as gxe

from crmwh.expectations import Facts, Suite


def forced_failure(facts: Facts) -> Suite:
    return Suite(
        table="marts.fct_orders",
        expectations=[gxe.ExpectTableRowCountToEqual(value=-1, description="forced failure (test)")],
    )


SUITES = {"test.forced_failure": forced_failure}
"""


def _env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"CRM_RAW_DIR", "CRM_VALIDATE_EXTRA_SUITES"}}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "scripts"), env.get("PYTHONPATH", "")]))
    return {**env, **extra}


def run_validate(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return run_module("crmwh.validate", *args, env=_env(), timeout=timeout)


def failing(summary: dict) -> set[tuple[str, str, str]]:
    return {
        (suite["name"], item["expectation"], item["column"])
        for suite in summary["suites"]
        for item in suite["expectations"]
        if item["status"] in {"fail", "error"}
    }


# ---------------------------------------------------------------------------------------------
# Validation


def counted_table_reads(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every TableReads validate() makes from now on, appended to the list returned (to count its queries)."""
    from crmwh import validate as crm_validate

    made: list[crm_validate.TableReads] = []

    class CountingReads(crm_validate.TableReads):
        def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
            super().__init__(con)
            made.append(self)

    monkeypatch.setattr(crm_validate, "TableReads", CountingReads)
    return made


def test_validation_passes_on_demo_warehouse(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "validation"
    proc = run_validate("--warehouse", str(warehouse), "--out", str(out))
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["success"], failing(summary)
    assert summary["counts"]["fail"] == summary["counts"]["error"] == 0
    assert summary["counts"]["expectations"] >= 80
    assert summary["marts_without_suite"] == [], "add a suite to crmwh.expectations.SUITES for every mart"
    assert {suite["name"] for suite in summary["suites"]} >= {
        "marts.fct_orders",
        "marts.dim_customers",
        "staging.stg_crm__rejections",
        "intermediate.int_as_of_date",
        "check.raw_row_counts",
    }
    assert "PASSED" in (out / "summary.md").read_text()
    assert (out / "data_docs" / "index.html").is_file()


def test_plain_dbt_build_records_an_adhoc_build(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select build_id, built_at, warehouse_build.as_of_date = int_as_of_date.as_of_date, reporting_currency_code"
            " from marts.warehouse_build cross join intermediate.int_as_of_date"
        ).fetchall()
    assert rows == [("adhoc", None, True, "USD")]


CORRUPTIONS = [
    # (statement, suite, expectation, column) the validation must name
    (
        "update marts.fct_orders set net_amount = -5 where order_id = (select min(order_id) from marts.fct_orders)",
        "marts.fct_orders",
        "expect_column_values_to_be_between",
        "net_amount",
    ),
    (
        "update marts.dim_customers set first_order_date = last_order_date + 3"
        " where customer_id = (select min(customer_id) from marts.dim_customers where last_order_date is not null)",
        "marts.dim_customers",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "last_order_date, first_order_date",
    ),
    (
        "delete from marts.fct_order_items where order_item_id = (select min(order_item_id) from marts.fct_order_items)",
        "marts.fct_order_items",
        "expect_table_row_count_to_equal",
        "",
    ),
]


def test_validation_fails_and_names_corrupted_rules(warehouse: Path, tmp_path: Path) -> None:
    corrupted = tmp_path / "corrupted.duckdb"
    shutil.copyfile(warehouse, corrupted)
    with duckdb.connect(str(corrupted)) as con:
        for statement, *_ in CORRUPTIONS:
            con.execute(statement)
    out = tmp_path / "validation"
    suites = [argument for _, suite, *_ in CORRUPTIONS for argument in ("--suite", suite)]
    proc = run_validate("--warehouse", str(corrupted), "--out", str(out), "--no-docs", *suites)
    assert proc.returncode == 1, proc.stdout[-4000:] + proc.stderr[-4000:]
    summary = json.loads((out / "summary.json").read_text())
    assert not summary["success"]
    expected = {(suite, expectation, column) for _, suite, expectation, column in CORRUPTIONS}
    assert expected <= failing(summary), failing(summary)
    markdown = (out / "summary.md").read_text()
    assert "FAILED" in markdown
    assert "net_amount: money is never negative" in markdown


def test_built_only_skips_the_suites_of_tables_not_built_and_only_those(warehouse: Path, tmp_path: Path) -> None:
    """A build of a selection (crmwh.build --select) holds only some tables: --built-only runs the suites of
    the tables present and lists the others as not built; without it a missing mart fails its suite."""
    partial = tmp_path / "partial.duckdb"
    shutil.copyfile(warehouse, partial)
    with duckdb.connect(str(partial)) as con:
        con.execute("drop table marts.rpt_renewals")
    suites = ("--suite", "marts.rpt_renewals", "--suite", "marts.dim_dates", "--suite", "check.raw_row_counts")
    common = ("--warehouse", str(partial), "--no-docs", *suites)

    built_only = run_validate(*common, "--out", str(tmp_path / "built_only"), "--built-only")
    assert built_only.returncode == 0, built_only.stdout[-4000:] + built_only.stderr[-4000:]
    summary = json.loads((tmp_path / "built_only" / "summary.json").read_text())
    assert summary["suites_not_built"] == ["marts.rpt_renewals"]
    assert sorted(suite["name"] for suite in summary["suites"]) == ["check.raw_row_counts", "marts.dim_dates"]
    assert (
        "not validated (table not in this build): marts.rpt_renewals"
        in (tmp_path / "built_only" / "summary.md").read_text()
    )

    whole = run_validate(*common, "--out", str(tmp_path / "whole"))
    assert whole.returncode == 1, whole.stdout[-4000:] + whole.stderr[-4000:]
    summary = json.loads((tmp_path / "whole" / "summary.json").read_text())
    [missing] = [suite for suite in summary["suites"] if suite["name"] == "marts.rpt_renewals"]
    assert missing["error"] and not missing["success"]
    assert summary["suites_not_built"] == []


def test_build_selection_adds_the_build_record_lookups_and_cautious_tests() -> None:
    assert crm_build.selection_args(None) == []
    assert crm_build.selection_args(["+fct_orders"]) == [
        "--select",
        "+fct_orders",
        "+warehouse_build",
        "path:seeds/lookups",
        "--indirect-selection",
        "cautious",
    ]


def test_validation_refuses_a_missing_or_locked_warehouse(warehouse: Path, tmp_path: Path) -> None:
    missing = run_validate("--warehouse", str(tmp_path / "absent.duckdb"), "--out", str(tmp_path / "a"))
    assert missing.returncode == 2, missing.stderr
    assert "no warehouse file" in missing.stderr
    locked = tmp_path / "locked.duckdb"
    shutil.copyfile(warehouse, locked)
    with duckdb.connect(str(locked)):  # a writer holds the file, as dbt does during a build
        proc = run_validate("--warehouse", str(locked), "--out", str(tmp_path / "b"), "--no-docs")
    assert proc.returncode == 2, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "cannot open" in proc.stderr


def test_each_table_is_read_once_for_all_its_suites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two suites on one table share one query (the union of their columns), a check frame is its own query,
    and the shared frame is dropped after its last suite. In process, on a five-row file: no build."""
    import great_expectations.expectations as gxe

    from crmwh import validate as crm_validate
    from crmwh.expectations import Suite, equals

    path = tmp_path / "tiny.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.t as select range as id, range * 2 as amount, 'x' as label from range(5)")
    made = counted_table_reads(monkeypatch)
    suites = {
        "test.amounts": lambda facts: Suite(
            table="marts.t", expectations=[gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0)]
        ),
        "test.twice": lambda facts: Suite(
            table="marts.t", derived={"twice": "id * 2"}, expectations=[equals("amount", "twice", "id * 2")]
        ),
        "check.rows": lambda facts: Suite(
            table="check.rows",
            query="select count(*) as rows from marts.t",
            expectations=[gxe.ExpectColumnValuesToBeBetween(column="rows", min_value=5, max_value=5)],
        ),
    }
    summary = crm_validate.validate(path, tmp_path / "out", suites, docs=False)
    assert summary["success"], summary
    assert [suite["rows"] for suite in summary["suites"]] == [5, 5, 1]
    [reads] = made
    assert reads.queries == {"marts.t": 1, "check.rows": 1}
    assert reads._frames == {}, "the shared frame outlived its last suite"


# ---------------------------------------------------------------------------------------------
# Publishing


def run_build(served: Path, work: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """crmwh.build into served: the core selection (staging and core marts, validated --built-only), models and
    seeds only (dbt's own tests run in test_dbt_duckdb)."""
    select = ("--select", *CORE_SELECTION)
    args = ("--served", str(served), *select, "--", "--exclude", "test_type:data", "test_type:unit")
    env = _env(DBT_TARGET_PATH=str(work / "target"), DBT_LOG_PATH=str(work / "logs"), **env)
    return run_module("crmwh.build", *args, env=env, timeout=900)


def printed_build_id(output: str) -> str:
    found = re.findall(r"^Build id: (\S+)$", output, flags=re.MULTILINE)
    assert found, output[-3000:]
    return found[-1]


def stored_build_id(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select build_id from marts.warehouse_build").fetchall()[0][0]


@pytest.mark.slow
def test_build_publishes_only_validated_builds(tmp_path: Path) -> None:
    served = tmp_path / "warehouse" / "crm.duckdb"
    good = run_build(served, tmp_path)
    assert good.returncode == 0, good.stdout[-4000:] + good.stderr[-4000:]
    good_id = printed_build_id(good.stdout)
    assert stored_build_id(served) == good_id
    assert (served.parent / "validation" / f"build-{good_id}" / "summary.json").is_file()
    before = sha256_of(served)

    extra = tmp_path / "forced_failure.py"
    extra.write_text(FORCED_FAILURE_SUITES)
    bad = run_build(served, tmp_path, CRM_VALIDATE_EXTRA_SUITES=str(extra))
    assert bad.returncode == crm_build.EXIT_VALIDATION_FAILED, bad.stdout[-4000:] + bad.stderr[-4000:]
    assert sha256_of(served) == before, "a build that failed validation changed the served file"
    bad_id = printed_build_id(bad.stdout)
    summary = json.loads((served.parent / "validation" / f"build-{bad_id}" / "summary.json").read_text())
    assert ("test.forced_failure", "expect_table_row_count_to_equal", "") in failing(summary)
    assert stored_build_id(served.parent / crm_build.FAILED_NAME) == bad_id
    assert not list(served.parent.glob("build-*")), "a finished build left files behind"


# ---------------------------------------------------------------------------------------------
# Build helpers (fast)


def test_dbt_builds_into_one_slot_path_unless_another_build_holds_it(tmp_path: Path) -> None:
    """dbt's partial parsing needs the same DuckDB path every build: the build holding the slot gets
    building.duckdb (a killed build's files there removed first); a build beside it gets its own file."""
    slot = tmp_path / crm_build.SLOT_NAME
    for leftover in (slot, slot.with_name(slot.name + ".wal")):
        leftover.write_bytes(b"x")  # what a killed build left
    first, second = crm_build.new_build(tmp_path), crm_build.new_build(tmp_path)
    with crm_build.build_slot(first) as first_path:
        assert first_path == slot
        assert not slot.exists() and not slot.with_name(slot.name + ".wal").exists()
        with crm_build.build_slot(second) as second_path:
            assert second_path == second.fresh
        first_path.write_bytes(b"built")
        crm_build.adopt_slot(first_path, first)
    assert first.fresh.read_bytes() == b"built"
    assert not slot.exists()
    with crm_build.build_slot(second) as path:
        assert path == slot  # free again


def test_leftovers_of_killed_builds_are_removed_and_running_builds_kept(tmp_path: Path) -> None:
    killed = tmp_path / "build-20000101T000000Z-1-aaaaaa"
    for suffix in (".duckdb", ".duckdb.wal", ".lock"):
        Path(f"{killed}{suffix}").write_bytes(b"x")  # nobody holds the lock: the build was killed
    old_lockless = tmp_path / "build-20000101T000000-2.duckdb"
    old_lockless.write_bytes(b"x")
    os.utime(old_lockless, (time.time() - 3600, time.time() - 3600))
    running = crm_build.new_build(tmp_path)
    with crm_build.build_lock(running):
        running.fresh.write_bytes(b"x")
        current = crm_build.new_build(tmp_path)
        with crm_build.build_lock(current):
            crm_build.remove_stale_leftovers(current)
            left = sorted(path.name for path in tmp_path.iterdir())
        running.fresh.unlink()
    assert left == sorted([running.fresh.name, running.lock.name, current.lock.name])


def test_incremental_build_starts_dbt_from_a_copy_of_the_served_whole_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--incremental: the file dbt opens (the slot) already holds the served warehouse; a partial served
    file (a --select build: a mart missing) or none means dbt starts from an empty file (a full build)."""
    from crmwh.expectations import SUITES

    served = tmp_path / "crm.duckdb"
    with duckdb.connect(str(served)) as con:
        for name in (name for name in SUITES if not name.startswith("check.")):
            schema, table = name.split(".")
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create table {schema}.{table} as select 1 as marker")
    seen: list[bytes | None] = []

    def fake_dbt(dbt_path: Path, *_args: object) -> int:
        seen.append(dbt_path.read_bytes() if dbt_path.exists() else None)
        return 1  # stop there: nothing is published

    monkeypatch.setattr(crm_build, "run_dbt_build", fake_dbt)
    assert crm_build.build(served, [], incremental=True) == 1
    assert seen[-1] == served.read_bytes()
    assert crm_build.build(served, [], incremental=False) == 1
    assert seen[-1] is None
    with duckdb.connect(str(served)) as con:
        con.execute("drop table marts.fct_orders")
    assert crm_build.build(served, [], incremental=True) == 1
    assert seen[-1] is None, "a partial served file must not be the base of an incremental build"
    assert not list(tmp_path.glob("build-*")) and not (tmp_path / crm_build.SLOT_NAME).exists()


def test_a_large_table_is_validated_in_chunks_with_the_results_of_one_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table of more than CHUNK_ROWS rows is validated chunk by chunk (row-wise expectations, their counts
    added up) and its other expectations on every row of their columns: every result (status, counts,
    percentages, observed values) is the one of the whole frame, failures and errors included. In process,
    on a 6,000-row file whose nulls of one column lie in its first DuckDB vector only (that chunk's dtype is
    pandas' nullable Int32, the others' int64) and with a date beyond datetime64[ns] in one chunk: no build."""
    import great_expectations.expectations as gxe
    import pandas as pd

    from crmwh import validate as crm_validate
    from crmwh.expectations import Suite, at_least, equals

    path = tmp_path / "chunks.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.t as select range as id, range % 7 as code,"
            " case when range between 3 and 8 then null else range * 2 end::integer as amount,"
            " case when range % 5 = 0 then null else range end as other, range < 20 as is_early,"
            " 'x' || (range % 4) as label,"
            " case when range = 5000 then date '2999-01-01' else date '2020-01-01' + range::integer end as day"
            " from range(6000)"
        )
    early = {"row_condition": "is_early == True", "condition_parser": "pandas"}
    expectations = [
        gxe.ExpectTableRowCountToEqual(value=6000),
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
        gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0, max_value=3000),  # fails from row 1501
        gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="id", min_value=0, max_value=10, **early),  # fails on 11 to 19
        gxe.ExpectColumnValuesToNotBeNull(column="other"),
        gxe.ExpectColumnValuesToBeBetween(  # a date beyond datetime64[ns] in one chunk: judged value by value there
            column="day", min_value=pd.Timestamp("2020-01-01"), max_value=pd.Timestamp("2030-01-01")
        ),
        gxe.ExpectColumnMaxToBeBetween(column="day", min_value=pd.Timestamp("2020-01-01")),
        gxe.ExpectColumnValuesToBeInSet(column="code", value_set=[0, 1, 2, 3]),
        gxe.ExpectColumnValuesToNotMatchRegex(column="label", regex="x3"),
        gxe.ExpectColumnValuesToBeBetween(column="label", min_value=0),  # an error: text against a number
        equals("amount", "twice", "id * 2"),
        at_least("other", "id", "never below the id"),
        gxe.ExpectColumnValuesToBeUnique(column="code"),
        gxe.ExpectColumnSumToBeBetween(column="amount", min_value=0, max_value=400),
        gxe.ExpectColumnMaxToBeBetween(column="id", min_value=5999, max_value=5999),
        gxe.ExpectColumnMinToBeBetween(column="other", min_value=1, max_value=1),
    ]
    suites = {
        "test.chunks": lambda facts: Suite(
            table="marts.t", derived={"twice": "id * 2"}, expectations=[copy.copy(item) for item in expectations]
        )
    }
    made = counted_table_reads(monkeypatch)

    def validated(chunk_rows: int, out: str) -> dict:
        monkeypatch.setattr(crm_validate, "CHUNK_ROWS", chunk_rows)
        summary = crm_validate.validate(path, tmp_path / out, suites)
        assert (tmp_path / out / "data_docs" / "index.html").is_file()
        return {key: value for key, value in summary["suites"][0].items() if key != "seconds"}

    whole = validated(10_000, "whole")
    assert made[-1].queries == {"marts.t": 1}, "a small table: one frame"
    statuses = [item["status"] for item in whole["expectations"]]
    assert statuses.count("fail") >= 5 and "error" in statuses, statuses
    # chunks of one DuckDB vector (2,048 rows: the nulls in the first only) and of 1,000 rows (slices of vectors)
    for chunk_rows in (2048, 1000):
        assert validated(chunk_rows, f"chunks{chunk_rows}") == whole
        assert made[-1].queries == {"marts.t": 2}, "the chunks' stream and the whole-table expectations' columns"


@pytest.mark.parametrize(
    ("profile", "validation"),
    [("", "1GB"), ("6GB", "1GB"), ("2GiB", "1GB"), ("1GB", "1GB"), ("512MB", "512MB"), ("900MiB", "900MiB")],
)
def test_validation_memory_limit_is_the_profiles_at_most_the_cap(
    profile: str, validation: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crmwh import validate as crm_validate

    monkeypatch.setenv("CRM_DUCKDB_MEMORY_LIMIT", profile)
    assert crm_validate.validation_memory_limit() == validation


def test_frames_get_the_dtypes_great_expectations_compares_whole_columns_of() -> None:
    import numpy as np
    import pandas as pd

    from crmwh.validate import vectorisable

    frame = pd.DataFrame(
        {
            "day": pd.Series(pd.to_datetime(["2020-01-01", "2021-06-30"])).astype("datetime64[us]"),
            "far": pd.Series([np.datetime64("2999-01-01", "us"), np.datetime64("2020-01-01", "us")]),
            "small": pd.Series([1, 2], dtype="int32"),
            "nullable": pd.Series([1, None], dtype="Int32"),
            "amount": [1.5, 2.5],
        }
    )
    converted = vectorisable(frame)
    assert {name: str(dtype) for name, dtype in converted.dtypes.items()} == {
        "day": "datetime64[ns]",
        "far": "datetime64[us]",  # beyond 2262: kept, judged value by value
        "small": "int64",
        "nullable": "Int32",
        "amount": "float64",
    }
    assert converted.astype(object).equals(frame.astype(object)), "the same values"
