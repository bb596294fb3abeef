"""Raw CSV exports read in place (CRM_RAW_DIR): damaged files are named without their content, and any
folder path, an apostrophe included, is read and named as it is.

Every test copies the demo exports (seeds/raw) into a folder named ``o'brien/raw`` under pytest's
tmp_path and runs plain dbt there (the build command's own tests are in test_reliability.py, ``-k damaged``).
A damage fails the run at its start (check_raw_csv_files(), on-run-start) with one line per problem,
``<file> line <n>: <problem>``; the damaged lines hold a planted email that must appear in no output,
log or artifact.

Run one guarantee with ``-k``: content, missing, apostrophe.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import SEEDS_RAW, DbtRun, run_dbt
from crmwh.contract import TABLES
from reliability_helpers import files_containing

pytestmark = pytest.mark.slow

APOSTROPHE_FOLDER = "o'brien"
LEAK_CANARY = "raw.line.canary.5521@example.org"
IN_PLACE = ["--exclude", "path:seeds/raw", "test_type:unit"]


def copy_demo_exports(folder: Path) -> Path:
    """The demo CSV exports, copied into folder (created, parents included)."""
    folder.mkdir(parents=True)
    for table in TABLES:
        shutil.copyfile(SEEDS_RAW / f"{table.raw_name}.csv", folder / f"{table.raw_name}.csv")
    return folder


def in_place_env(raw_dir: Path, database: Path, fmt: str = "csv") -> dict[str, str]:
    return {
        "CRM_TARGET": "duckdb",
        "CRM_DUCKDB_PATH": str(database),
        "CRM_RAW_DIR": str(raw_dir),
        "CRM_RAW_FORMAT": fmt,
    }


def rewrite_line(path: Path, line_number: int, change) -> None:
    """Apply change to one line (1-based, bytes, the header is line 1) of a CSV file."""
    lines = path.read_bytes().split(b"\n")
    lines[line_number - 1] = change(lines[line_number - 1])
    path.write_bytes(b"\n".join(lines))


def with_field(line: bytes, index: int, value: bytes) -> bytes:
    fields = line.split(b",")
    fields[index] = value
    return b",".join(fields)


def column_index(table_name: str, column: str) -> int:
    return next(t for t in TABLES if t.name == table_name).column_names.index(column)


def output_and_files_without(run: DbtRun, needle: str) -> None:
    """needle is neither in dbt's output nor in any file under its target path (which holds its logs)."""
    assert needle not in run.output, "a raw line's content was printed:\n" + run.tail()
    leaked = files_containing(needle, run.target_path)
    assert not leaked, f"a raw line's content was written to {leaked}"


# --- content ---------------------------------------------------------------------------------


def test_damaged_files_are_named_with_line_and_problem_never_content(tmp_path: Path) -> None:
    """Three files damaged at once: a headerless customers file (its first line is a customer with an email),
    an orders line with one field too many, an order_items line with invalid UTF-8. The run fails before any
    model reads a file, naming each file, line and problem; the planted email is nowhere (output, dbt.log,
    run artifacts), nor is the headerless file's first line."""
    raw_dir = copy_demo_exports(tmp_path / APOSTROPHE_FOLDER / "raw")
    customers = raw_dir / "raw_customers.csv"
    lines = customers.read_bytes().split(b"\n")
    first_customer = with_field(lines[1], column_index("customers", "email"), LEAK_CANARY.encode())
    customers.write_bytes(b"\n".join([first_customer, *lines[2:]]))  # header dropped
    orders = raw_dir / "raw_orders.csv"
    rewrite_line(
        orders, 5, lambda line: with_field(line, column_index("orders", "channel"), LEAK_CANARY.encode()) + b",x"
    )
    items = raw_dir / "raw_order_items.csv"
    rewrite_line(items, 7, lambda line: with_field(line, 2, LEAK_CANARY.encode() + b"\xc3\x28"))
    database = tmp_path / "crm.duckdb"

    run = run_dbt(["build", *IN_PLACE], tmp_path / "target", in_place_env(raw_dir, database))

    assert run.returncode != 0, run.tail()
    assert f'CRM_RAW_DIR "{raw_dir}" cannot be loaded' in run.output, run.tail()
    expected = [
        f"{customers} line 1: the header does not match the contract: field 1 is a name that is not a contract"
        " column, the contract expects customer_id",
        f"{orders} line 5: too many fields (expected 9, found 10)",
        f"{items} line 7: invalid UTF-8 in field 3 (product_id)",
    ]
    for message in expected:
        assert message in run.output, f"missing {message!r}:\n" + run.tail()
    assert "START sql table model" not in run.output, "no model may run on damaged files"
    output_and_files_without(run, LEAK_CANARY)


# --- missing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("what", ["file", "folder"])
def test_missing_file_or_folder_is_named(what: str, tmp_path: Path) -> None:
    """A folder without one of the contract's files, or a folder that does not exist (both with an apostrophe
    in their path), fails the run naming the folder and the file."""
    raw_dir = copy_demo_exports(tmp_path / APOSTROPHE_FOLDER / "raw")
    if what == "file":
        (raw_dir / "raw_products.csv").unlink()
        expected = f"{raw_dir}/raw_products.csv: missing"
    else:
        raw_dir = raw_dir.parent / "nowhere"
        expected = f'"{raw_dir}": no such folder, or it holds no raw_*.csv file'

    run = run_dbt(
        ["run", "--select", "base_crm__products"], tmp_path / "target", in_place_env(raw_dir, tmp_path / "crm.duckdb")
    )

    assert run.returncode != 0, run.tail()
    assert f'CRM_RAW_DIR "{raw_dir}"' in run.output and expected in run.output, run.tail()


# --- apostrophe ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_raw_dir_with_an_apostrophe_is_read_in_place(fmt: str, tmp_path: Path) -> None:
    """The demo exports in a folder named o'brien/raw build the customers base model in place, as CSV and
    as Parquet: every raw row is there (the path is quoted in the SQL, not cut at the apostrophe)."""
    raw_dir = copy_demo_exports(tmp_path / APOSTROPHE_FOLDER / "raw")
    if fmt == "parquet":
        with duckdb.connect() as con:
            for table in TABLES:
                source = str(raw_dir / f"{table.raw_name}.csv").replace("'", "''")
                target = str(raw_dir / f"{table.raw_name}.parquet").replace("'", "''")
                con.execute(
                    f"copy (select * from read_csv('{source}', all_varchar = true)) to '{target}' (format parquet)"
                )
    database = tmp_path / "crm.duckdb"

    run = run_dbt(
        ["build", "--select", "+base_crm__customers", *IN_PLACE, "test_type:data"],
        tmp_path / "target",
        in_place_env(raw_dir, database, fmt),
    )

    assert run.returncode == 0, run.tail()
    with (SEEDS_RAW / "raw_customers.csv").open(encoding="utf-8", newline="") as handle:
        raw_rows = sum(1 for _ in csv.DictReader(handle))
    with duckdb.connect(str(database), read_only=True) as con:
        assert con.execute("select count(*) from staging.base_crm__customers").fetchone()[0] == raw_rows
