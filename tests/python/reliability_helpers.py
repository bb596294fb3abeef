"""Helpers of test_reliability.py: run the build command, kill it, read what it published, hash marts, find PII.

Everything here works on scratch files under pytest's tmp_path; nothing touches warehouse/ or target/ of the
project (dbt's target and log folders are redirected with DBT_TARGET_PATH / DBT_LOG_PATH).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from crmwh.contract import TABLES

ROOT = Path(__file__).resolve().parents[2]
# What the tests of the build mechanics (kills, readers, damaged input, fx, salt) build: every staging model
# (base models, rejections) and the core marts, with the build record (crmwh.build --select). About a quarter
# of the nodes of the whole warehouse; the whole one is built where a test is about every mart (identical
# rebuilds, the minimal export, no personal data in any mart) and in the shared builds of conftest.py.
CORE_SELECTION = ("path:models/staging", "+dim_customers", "+fct_orders", "+fct_order_items")
BUILD_TIMEOUT = 900
VALIDATE_TIMEOUT = 600
# dbt's last line when every node passed; what follows in the build command is validation and publishing
DBT_PASSED = re.compile(r"Done\. PASS=\d+ WARN=\d+ ERROR=0 ")
# what the build command prints right after the atomic rename, before it cleans up and exits
PUBLISHED = "Warehouse built: "


def generate(
    out: Path, customers: int, seed: int, fmt: str = "csv", anon_sessions_per_customer: float | None = None
) -> Path:
    """Write a generated raw data set (and its _meta/) into out; anon_sessions_per_customer: the generator's
    option of that name (None: its default)."""
    anon = (
        ()
        if anon_sessions_per_customer is None
        else ("--anon-sessions-per-customer", f"{anon_sessions_per_customer:g}")
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "crmwh.generate",
            *("--customers", str(customers), "--seed", str(seed), "--format", fmt, "--out", str(out)),
            *anon,
            "--quiet",
        ],
        check=True,
        timeout=600,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "scripts")),
    )
    return out


def build_env(raw_dir: Path, work: Path) -> dict[str, str]:
    """Environment of the build command: DuckDB, raw CSV files read in place, dbt's target and logs in work."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRM_", "DBT_"))}
    env.update(
        {
            "PYTHONPATH": str(ROOT / "scripts"),
            "PYTHONUNBUFFERED": "1",
            "CRM_TARGET": "duckdb",
            "CRM_RAW_DIR": str(raw_dir),
            "CRM_RAW_FORMAT": "csv",
            "DBT_TARGET_PATH": str(work / "target"),
            "DBT_LOG_PATH": str(work / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
    )
    return env


def build_command(served: Path, select: Sequence[str] | None = None) -> list[str]:
    """The build command; select: build only these dbt selectors (``--select``), None: the whole warehouse."""
    return [sys.executable, "-m", "crmwh.build", "--served", str(served), *(["--select", *select] if select else [])]


def run_module(
    module: str, *args: str, env: dict[str, str], timeout: int, merge_output: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m module args`` from the project root to its end; output captured as text
    (with merge_output, stderr goes into stdout)."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merge_output else subprocess.PIPE,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_build(
    served: Path, env: dict[str, str], select: Sequence[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the build command to its end (output: stdout and stderr together); select as build_command."""
    args = build_command(served, select)[3:]
    return run_module("crmwh.build", *args, env=env, timeout=BUILD_TIMEOUT, merge_output=True)


def run_validate(
    warehouse: Path, env: dict[str, str], out: Path, built_only: bool = False
) -> subprocess.CompletedProcess[str]:
    """Validate a warehouse file; the report goes to out (the default would be the project's warehouse/);
    built_only: only the suites of the tables in the file (a build of a selection)."""
    args = ("--warehouse", str(warehouse), "--out", str(out), *(("--built-only",) if built_only else ()))
    return run_module("crmwh.validate", *args, env=env, timeout=VALIDATE_TIMEOUT, merge_output=True)


def files_containing(needle: str, *folders: Path) -> list[Path]:
    """Every file under these folders (logs, dbt artifacts, msgpack, DuckDB files) whose bytes hold needle."""
    raw = needle.encode()
    return sorted(
        {
            path
            for folder in folders
            if folder.exists()
            for path in folder.rglob("*")
            if path.is_file() and raw in path.read_bytes()
        }
    )


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """A raw CSV file as its header and its rows (dicts of text)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    """Write rows as a raw CSV file in the generator's dialect (header first, LF line ends)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def tail(text: str, lines: int = 60) -> str:
    return "\n".join(text.splitlines()[-lines:])


class BuildProcess:
    """The build command started in its own process group, its output pumped by a thread, killable at once."""

    def __init__(self, served: Path, env: dict[str, str], log: Path, select: Sequence[str] | None = None) -> None:
        self.log = log
        self.lines: list[str] = []
        self.dbt_passed = threading.Event()
        self.published = threading.Event()
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            build_command(served, select),
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,  # its own process group: dbt and every helper die with it
        )
        self.pump = threading.Thread(target=self._pump, daemon=True)
        self.pump.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        with self.log.open("w", encoding="utf-8") as handle:
            for line in self.proc.stdout:
                self.lines.append(line)
                handle.write(line)
                if DBT_PASSED.search(line):
                    self.dbt_passed.set()
                if PUBLISHED in line:
                    self.published.set()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def wait_until(self, seconds_after_start: float) -> bool:
        """Sleep until that moment of the build; False when the build ended before it."""
        try:
            self.proc.wait(timeout=max(0.0, seconds_after_start - self.elapsed()))
        except subprocess.TimeoutExpired:
            return True
        return False

    def wait_for_then(self, event: threading.Event, delay: float) -> bool:
        """Wait for the event (dbt_passed, published), then delay seconds more; False when the build ended before."""
        deadline = self.started + BUILD_TIMEOUT
        while not event.wait(timeout=0.01):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                return False
        return self.wait_until(self.elapsed() + delay)

    def kill(self) -> None:
        """SIGKILL the whole process group, reap the leader and drain the output."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=60)
        self.pump.join(timeout=30)

    def finish(self) -> int:
        code = self.proc.wait(timeout=BUILD_TIMEOUT)
        self.pump.join(timeout=30)
        return code


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def published_builds(path: Path) -> list[tuple]:
    """The rows of marts.warehouse_build of a served file, read read-only."""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select build_id from marts.warehouse_build").fetchall()


def mart_tables(con: duckdb.DuckDBPyConnection, exclude: tuple[str, ...] = ("warehouse_build",)) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' order by table_name"
    ).fetchall()
    return [name for (name,) in rows if name not in exclude]


def table_digest(con: duckdb.DuckDBPyConnection, relation: str, where: str = "true") -> tuple[int, str]:
    """Row count and md5 of all rows of a table (each row as text, sorted, so row order does not matter)."""
    return con.execute(
        "select count(*), md5(coalesce(string_agg(row_text, chr(10) order by row_text), '')) "
        f"from (select cast(table_row as varchar) as row_text from {relation} as table_row where {where})"
    ).fetchall()[0]


def mart_hashes(path: Path) -> dict[str, tuple[int, str]]:
    """Row count and md5 of all rows of every mart but the build metadata."""
    with duckdb.connect(str(path), read_only=True) as con:
        return {table: table_digest(con, f"marts.{table}") for table in mart_tables(con)}


# --- personal data --------------------------------------------------------------------------

PII_COLUMNS = {table.name: [c.name for c in table.columns if "personal data" in c.description] for table in TABLES}
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
# phone shapes: international (+ and 7+ digits with separators), area code in parentheses, national
# groups (3-3-4, 2-5 digits then two groups of 3-4: "020 7946 0958"), 10 to 15 digits in a row;
# hex hashes, ids (letters + digits), ISO dates and timestamps and decimal amounts do not match
PHONE_PATTERN = re.compile(
    r"\+\d[\d\s\-().]{5,}\d"
    r"|\(\d{2,5}\)\s?\d{2,4}[\s\-.]?\d{3,4}"
    r"|(?<![\w.\-/])\d{2,5}[\s\-.]\d{3,4}[\s\-.]\d{3,4}(?![\w\-])"
    r"|(?<![\w.,/#$+\-])\d{10,15}(?![\w]|[.,]\d)"
)
# schemas that hold the build's input (raw exports loaded as seeds, lookup seeds): every other schema is
# written by the build and is scanned
INPUT_SCHEMAS = ("raw", "lookups")
DIGIT_RUN = re.compile(r"\d[\d\s\-().+/]*\d")
MIN_PHONE_DIGITS = 7


@dataclass
class PiiNeedles:
    """The raw emails (lowercase) and phones (digits only) of a raw data set."""

    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)

    @property
    def phone_lengths(self) -> set[int]:
        return {len(phone) for phone in self.phones}


def pii_needles(raw_dir: Path) -> PiiNeedles:
    needles = PiiNeedles()
    for table, columns in PII_COLUMNS.items():
        if not columns:
            continue
        with (raw_dir / f"raw_{table}.csv").open(encoding="utf-8", newline="") as handle:
            for record in csv.DictReader(handle):
                for column in columns:
                    value = (record[column] or "").strip()
                    if "@" in value:
                        needles.emails.add(value.lower())
                    digits = re.sub(r"\D", "", value)
                    if "@" not in value and len(digits) >= MIN_PHONE_DIGITS:
                        needles.phones.add(digits)
    return needles


def text_cells(con: duckdb.DuckDBPyConnection, schemas: list[str]) -> Iterator[tuple[str, str]]:
    """(schema.table.column, distinct value) of every text column of every table and view of these schemas."""
    columns = con.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type = 'VARCHAR' and table_schema in (select unnest(?)) order by all",
        [schemas],
    ).fetchall()
    for schema, table, column in columns:
        rows = con.execute(
            f'select distinct "{column}" from "{schema}"."{table}" where "{column}" is not null'
        ).fetchall()
        for (value,) in rows:
            yield f"{schema}.{table}.{column}", value


def find_pii(path: Path, schemas: list[str], needles: PiiNeedles) -> tuple[list[tuple[str, str, str]], int]:
    """Cells that look like an email or a phone or contain a raw email or phone; and how many cells were read."""
    findings: list[tuple[str, str, str]] = []
    lengths = needles.phone_lengths
    cells = 0
    with duckdb.connect(str(path), read_only=True) as con:
        for where, value in text_cells(con, schemas):
            cells += 1
            lowered = value.lower()
            if EMAIL_PATTERN.search(value):
                findings.append((where, "email pattern", value[:200]))
            if "@" in value and any(email in lowered for email in needles.emails):
                findings.append((where, "raw email", value[:200]))
            if PHONE_PATTERN.search(value):
                findings.append((where, "phone pattern", value[:200]))
            for run in DIGIT_RUN.findall(value):
                digits = re.sub(r"\D", "", run)
                if any(
                    digits[start : start + size] in needles.phones
                    for size in lengths
                    for start in range(len(digits) - size + 1)
                ):
                    findings.append((where, "raw phone", value[:200]))
                    break
    return findings, cells


def written_schemas(path: Path) -> list[str]:
    """Every schema of the file the build wrote (staging, intermediate, marts, snapshots, test audit
    tables...): all schemas but the input ones."""
    return [schema for schema in schemas_of(path) if schema not in INPUT_SCHEMAS]


def schemas_of(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return [
            name for (name,) in con.execute("select distinct table_schema from information_schema.tables").fetchall()
        ]
