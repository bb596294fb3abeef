"""Build, validate and publish the warehouse on the embedded DuckDB default.

``python -m crmwh.build`` (what ``make build`` runs):

1. names the build ``<UTC start YYYYmmddTHHMMSSZ>-<pid>-<6 random hex>`` (sorts by time, unique
   even for two builds of one process within a second) and prints this build id;
2. removes what killed builds left behind in the warehouse folder (see "Leftovers");
3. loads the demo exports (``dbt seed --select path:seeds/raw``: the source ``raw``) and runs
   ``dbt build --exclude path:seeds/raw`` (lookup seeds, models, data tests, unit tests) into a
   fresh DuckDB file, with the environment variables ``CRM_BUILD_ID`` and ``CRM_BUILT_AT`` (the UTC
   start, ``YYYY-MM-DD HH:MM:SS``) that land in ``marts.warehouse_build``; a BI reader holding the
   served file never blocks the build. dbt writes ``warehouse/building.duckdb`` (the same path for
   every build, so dbt's partial parsing holds: see ``build_slot``; a build running beside another
   writes its own file directly); when dbt passes, the file is checkpointed and renamed to
   ``warehouse/build-<build id>.duckdb``, the fresh file;
4. checkpoints and closes the fresh file, then validates it in a new process
   (``python -m crmwh.validate --expect-build-id <build id>``; report and data docs in
   ``warehouse/validation/build-<build id>/``, the 10 latest reports are kept);
   before that (and when dbt fails) it prints a data-quality summary: per raw table the rows staging
   rejected, with the main reasons and their counts, tables wholly or mostly rejected flagged, and
   rows whose email and phone were swapped (see "Data quality");
5. when dbt and the validation both pass, fsyncs the fresh file, renames it atomically over the
   served file ``warehouse/crm.duckdb`` and fsyncs the folder: readers that hold the old file
   keep their snapshot, new connections see the new build.

Nothing but step 5 touches the served file. When a step fails it stays exactly as it was:

- dbt build fails: the fresh file is removed; exit status is dbt's;
- validation fails: the fresh file is kept for inspection as ``warehouse/failed-build.duckdb``
  (replacing the previous failed build, so failed builds never pile up); exit status 3;
- interrupted (Ctrl-C, SIGTERM): dbt or the validation is stopped, the fresh file removed;
  exit status 130 or 143.

``--no-validate`` publishes as soon as dbt build passes (faster, for throwaway builds).

``--select SELECTOR ...`` builds a part of the warehouse (development, and the tests of the build
mechanics): ``dbt build --select SELECTOR ... +warehouse_build path:seeds/lookups`` (the build record, the as-of
date and the lookup seeds always come along; ``--indirect-selection cautious``: the tests whose every
parent is built), validated with ``crmwh.validate --built-only`` (the suites of the tables this build
made). The published file then holds only that part: never point it at the file BI reads.

Leftovers: a build holds an exclusive lock (flock) on ``warehouse/build-<build id>.lock`` for its
whole life; the file appears already locked. The build that holds ``warehouse/building.lock`` (kept
between builds) owns ``building.duckdb`` and first removes what a killed build left there. A process killed outright (SIGKILL, power loss)
releases the lock but leaves its files. Every build first removes ``build-<id>.duckdb``,
``.duckdb.wal`` and ``.lock`` of each build whose lock nobody holds, and lock-less
``build-*.duckdb[.wal]`` files older than itself that no process has open (DuckDB locks the files
it opens); running builds are never touched. On Linux dbt and the validation also get SIGTERM
when the build process dies, so no orphan keeps writing. A leftover ``crm.duckdb.wal`` beside the
served file (someone opened it read-write and was killed) is removed before publishing: DuckDB
would refuse to open the new file with it ("WAL does not match database file").

Data quality: staging's base models hold every raw row with its rejection reason. A raw table with
rows none of which is accepted is wholly rejected (and a core table, contract CORE_TABLES, without rows
is empty): its dbt test not_wholly_rejected fails (error), so dbt skips what depends on it and the
build fails naming the table; one with more than half of its
rows rejected is mostly rejected (dbt warning; validation fails it beyond max(10%, 10) rejected rows).
The summary names reason codes and counts only, never a raw value.

``--incremental`` starts the fresh file as a copy of the served warehouse (when there is one and it was
made by a whole build; otherwise it says so and builds in full), so the incremental models (the event
base models and what is built on them) only recompute the keys with new raw rows; everything else is
as above. Without it every build starts from an empty file: a full build, which is the full refresh.

With CRM_RAW_DIR set, the raw exports are read in place from that folder (CSV, or Parquet with
CRM_RAW_FORMAT=parquet) and the demo seeds in seeds/raw are not loaded (no ``dbt seed`` step).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import errno
import fcntl
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import duckdb

from crmwh.contract import CORE_TABLES, TABLES

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SERVED = ROOT / "warehouse" / "crm.duckdb"
FAILED_NAME = "failed-build.duckdb"
SLOT_NAME = "building.duckdb"
SLOT_LOCK_NAME = "building.lock"
REPORTS_KEPT = 10
EXIT_VALIDATION_FAILED = 3
PR_SET_PDEATHSIG = 1
# Data-quality summary: a table is "mostly rejected" above this share of its raw rows (dbt test
# not_mostly_rejected uses the same share); the summary shows this many reasons per table.
MOSTLY_REJECTED_SHARE = 0.5
TOP_REASONS = 3


@dataclass(frozen=True)
class Build:
    build_id: str
    built_at: str  # UTC, 'YYYY-MM-DD HH:MM:SS'
    started: float  # epoch seconds
    folder: Path

    @property
    def fresh(self) -> Path:
        return self.folder / f"build-{self.build_id}.duckdb"

    @property
    def lock(self) -> Path:
        return self.folder / f"build-{self.build_id}.lock"

    @property
    def report(self) -> Path:
        return self.folder / "validation" / f"build-{self.build_id}"


def new_build(folder: Path) -> Build:
    now = time.time()
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    build_id = f"{stamp}-{os.getpid()}-{secrets.token_hex(3)}"
    return Build(build_id, time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now)), now, folder)


# ---------------------------------------------------------------------------------------------
# Locks and leftovers


@contextlib.contextmanager
def build_lock(build: Build) -> Iterator[None]:
    """Hold build-<id>.lock for the build's life; the file appears already locked (rename of a locked file)."""
    hidden = build.folder / f".{build.lock.name}.tmp"
    fd = os.open(hidden, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.replace(hidden, build.lock)
        yield
    finally:
        build.lock.unlink(missing_ok=True)
        hidden.unlink(missing_ok=True)
        os.close(fd)


def _flock_free(path: Path) -> tuple[bool, int | None]:
    """Try to take the lock of path: (True, fd) when nobody held it (caller closes fd), else (False, None)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False, None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False, None
    return True, fd


def held_open(path: Path) -> bool:
    """True when a process has the DuckDB file open: DuckDB holds a POSIX lock on every file it opens."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        return error.errno in (errno.EACCES, errno.EAGAIN)
    finally:
        os.close(fd)  # also drops our test lock
    return False


def remove_stale_locked_builds(folder: Path, own: Build) -> None:
    for lock in folder.glob("build-*.lock"):
        if lock == own.lock:
            continue
        free, fd = _flock_free(lock)
        if not free or fd is None:
            continue  # a running build
        prefix = lock.name.removesuffix(".lock")
        for suffix in (".duckdb", ".duckdb.wal"):
            (folder / f"{prefix}{suffix}").unlink(missing_ok=True)
        lock.unlink(missing_ok=True)
        os.close(fd)
        print(f"removed the leftovers of killed build {prefix.removeprefix('build-')}", flush=True)


def remove_stale_unlocked_files(folder: Path, own: Build) -> None:
    for leftover in [*folder.glob("build-*.duckdb"), *folder.glob("build-*.duckdb.wal")]:
        database = folder / (leftover.name.removesuffix(".wal"))
        if database == own.fresh or (folder / (database.name.removesuffix(".duckdb") + ".lock")).exists():
            continue
        with contextlib.suppress(FileNotFoundError):
            if leftover.stat().st_mtime < own.started and not held_open(database):
                leftover.unlink(missing_ok=True)
                print(f"removed leftover {leftover.name}", flush=True)


def remove_stale_leftovers(own: Build) -> None:
    remove_stale_locked_builds(own.folder, own)
    remove_stale_unlocked_files(own.folder, own)


def _remove_database_files(path: Path) -> None:
    """A DuckDB file, its write-ahead log and its spill folder."""
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".tmp"), ignore_errors=True)


@contextlib.contextmanager
def build_slot(build: Build) -> Iterator[Path]:
    """The path dbt builds into: the same for every build (SLOT_NAME) when no other build holds the slot.

    dbt's partial parsing starts over when the profile changes, and the DuckDB path is part of it: a
    new path per build made every build parse the whole project (~1,700 nodes). So dbt builds into
    ``building.duckdb`` while this build holds ``building.lock``; when dbt is done the file is sealed
    and renamed to the build's own ``build-<id>.duckdb`` (``adopt_slot``). A second build running at the
    same time builds straight into its own file (a full parse: correct, only slower). What a killed
    build left in the slot is removed by the next build that takes it."""
    slot = build.folder / SLOT_NAME
    fd = os.open(build.folder / SLOT_LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield build.fresh  # another build holds the slot
            return
        if held_open(slot):
            # the dbt of a killed build is still stopping: it could write the slot's WAL again
            yield build.fresh
            return
        _remove_database_files(slot)  # a killed build's
        try:
            yield slot
        finally:
            _remove_database_files(slot)  # renamed away unless dbt failed or the build was stopped
    finally:
        os.close(fd)


def adopt_slot(dbt_path: Path, build: Build) -> None:
    """The sealed file dbt built becomes the build's fresh file."""
    if dbt_path != build.fresh:
        os.replace(dbt_path, build.fresh)


def prune_reports(folder: Path) -> None:
    reports = sorted((folder / "validation").glob("build-*"))
    for report in reports[:-REPORTS_KEPT]:
        shutil.rmtree(report, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Steps


def _die_with_parent() -> None:
    """In the child (Linux): get SIGTERM when the build process dies, even by SIGKILL."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def run_child(command: list[str], env: dict[str, str]) -> int:
    print("$ " + " ".join(command), flush=True)
    preexec = _die_with_parent if sys.platform.startswith("linux") else None
    return subprocess.run(command, env=env, cwd=ROOT, check=False, preexec_fn=preexec).returncode


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def selection_args(select: list[str] | None) -> list[str]:
    """dbt's --select for a build of a selection (empty for the whole warehouse): the build record and the
    lookup seeds (that the tests of every layer read) too; only the tests whose every parent is built."""
    if not select:
        return []
    return ["--select", *select, "+warehouse_build", "path:seeds/lookups", "--indirect-selection", "cautious"]


def run_dbt_build(dbt_path: Path, build: Build, extra_dbt_args: list[str], select: list[str] | None = None) -> int:
    """dbt seed (demo exports) and dbt build into dbt_path. The build's id and start time reach
    marts.warehouse_build as environment variables, not --vars: dbt parses the whole project again
    when --vars change, but only the files that read a changed environment variable."""
    env = dict(
        os.environ,
        CRM_TARGET="duckdb",
        CRM_DUCKDB_PATH=str(dbt_path),
        CRM_BUILD_ID=build.build_id,
        CRM_BUILT_AT=build.built_at,
    )
    project = ["--project-dir", str(ROOT), "--profiles-dir", str(ROOT)]
    # the models read the raw exports as source raw, not ref(): dbt build does not load them
    dbt_args = ["build", *selection_args(select), *extra_dbt_args, "--exclude", "path:seeds/raw"]
    if env.get("CRM_RAW_DIR", "").strip():
        # raw tables are read in place; the unit tests (whose fixtures take their column
        # types from the seeded raw tables) belong to the demo build
        dbt_args.append("test_type:unit")
    elif code := run_child([dbt_executable(), "seed", "--select", "path:seeds/raw", *project], env):
        return code  # the demo exports, loaded before any model reads them
    return run_child([dbt_executable(), *dbt_args, *project], env)


def _table_quality(con: duckdb.DuckDBPyConnection, table: str, columns: set[str]) -> tuple[str | None, int]:
    """One summary line of a base model (None when nothing was rejected) and its swapped-contact count."""
    reasons = con.execute(
        "select rejection_reason || coalesce(':' || rejection_column, ''), count(*)"
        f" from staging.base_crm__{table} group by 1 order by 2 desc, 1"
    ).fetchall()
    swapped = 0
    if "has_swapped_contacts" in columns:
        swapped = int(
            con.execute(f"select count(*) from staging.base_crm__{table} where has_swapped_contacts").fetchone()[0]
        )
    raw = sum(count for _, count in reasons)
    rejected = [(reason, count) for reason, count in reasons if reason is not None]
    total = sum(count for _, count in rejected)
    if not raw and table in CORE_TABLES:
        return f"  {table}: EMPTY: a core table ({', '.join(CORE_TABLES)}) must have rows", swapped
    if not total:
        return None, swapped
    flag = ""
    if total == raw:
        flag = " WHOLLY REJECTED"
    elif total > MOSTLY_REJECTED_SHARE * raw:
        flag = " MOSTLY REJECTED"
    main = ", ".join(f"{reason} {count}" for reason, count in rejected[:TOP_REASONS])
    more = f", {len(rejected) - TOP_REASONS} more reasons" if len(rejected) > TOP_REASONS else ""
    return f"  {table}: {total} of {raw} raw rows rejected ({total / raw:.0%}){flag}: {main}{more}", swapped


def data_quality_summary(path: Path) -> list[str]:
    """The data-quality summary of a (possibly partly) built file, from staging's base models.

    Per raw table with rejected rows: how many of how many, flagged WHOLLY / MOSTLY REJECTED, and the
    main reasons (code:column) with their counts; then the rows whose email and phone were swapped.
    Codes and counts only, never a raw value. Empty when the file or the base models are missing.
    """
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return []
    with con:
        columns: dict[str, set[str]] = {}
        for table, column in con.execute(
            "select table_name, column_name from information_schema.columns where table_schema = 'staging'"
        ).fetchall():
            columns.setdefault(table, set()).add(column)
        lines: list[str] = []
        swapped: list[str] = []
        for table in TABLES:
            if f"base_crm__{table.name}" not in columns:
                continue
            line, swapped_rows = _table_quality(con, table.name, columns[f"base_crm__{table.name}"])
            if line:
                lines.append(line)
            if swapped_rows:
                swapped.append(f"{table.name} {swapped_rows}")
    if not columns:
        return []
    summary = ["", "Data quality: raw rows rejected by staging, per table, main reasons as code:column count"]
    summary += lines or ["  no raw row rejected"]
    if swapped:
        summary.append("  rows with email and phone swapped (each hashed under its own column): " + ", ".join(swapped))
    return summary


def print_data_quality(path: Path) -> list[str]:
    """Print the data-quality summary; returns the raw tables wholly rejected and the empty core tables."""
    summary = data_quality_summary(path)
    if summary:
        print("\n".join(summary), flush=True)
    return [line.split(":")[0].strip() for line in summary if "WHOLLY REJECTED" in line or ": EMPTY:" in line]


def seal(path: Path) -> None:
    """Fold the write-ahead log into the file, close it, and flush it to disk."""
    with duckdb.connect(str(path)) as con:
        con.execute("checkpoint")
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def run_validation(build: Build, built_only: bool = False) -> int:
    """Validate the sealed fresh file in a new process (it opens the file read-only); built_only: the
    suites of the tables in the file (a build of a selection)."""
    scripts = str(ROOT / "scripts")
    pythonpath = os.pathsep.join(filter(None, [scripts, os.environ.get("PYTHONPATH", "")]))
    command = [sys.executable, "-m", "crmwh.validate", "--warehouse", str(build.fresh), "--out", str(build.report)]
    command += ["--expect-build-id", build.build_id, *(["--built-only"] if built_only else [])]
    return run_child(command, dict(os.environ, PYTHONPATH=pythonpath))


def fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(fresh: Path, served: Path) -> None:
    stale_wal = served.with_name(served.name + ".wal")
    if stale_wal.exists():
        print(f"removing {stale_wal.name}: a write-ahead log of the old served file would block the new one")
        stale_wal.unlink(missing_ok=True)
    os.replace(fresh, served)
    fsync_folder(served.parent)


def keep_failed(build: Build) -> Path:
    failed = build.folder / FAILED_NAME
    os.replace(build.fresh, failed)
    return failed


def print_published(build: Build, served: Path) -> None:
    print(
        f"\nWarehouse built: {served} (build {build.build_id})\n"
        "Query it read-only, e.g.:\n"
        f'  {Path(sys.executable).parent / "python"} -c "import duckdb; '
        f"print(duckdb.connect('{served}', read_only=True).sql('select * from marts.fct_orders limit 5'))\"\n"
        "Marts live in the schema marts, rejected raw rows in staging.stg_crm__rejections."
    )


def start_from_served(served: Path, fresh: Path) -> bool:
    """--incremental: start the fresh build file as a copy of the served warehouse, so that dbt's
    incremental models (is_incremental()) only add what is new; True when copied. Falls back to a full
    build (a fresh empty file, the documented full refresh; False) when nothing is served, the served
    file cannot be opened read-only, or it lacks a table of the whole warehouse (a --select build)."""
    from crmwh.expectations import SUITES  # the tables every whole build makes

    if not served.exists():
        print(f"--incremental: no served warehouse at {served}; full build.", flush=True)
        return False
    try:
        with duckdb.connect(str(served), read_only=True) as con:
            rows = con.execute("select table_schema || '.' || table_name from information_schema.tables")
            present = {row[0] for row in rows.fetchall()}
    except duckdb.Error as error:
        print(f"--incremental: cannot read {served} ({type(error).__name__}); full build.", flush=True)
        return False
    missing = sorted(name for name in SUITES if not name.startswith("check.") and name not in present)
    if missing:
        print(
            f"--incremental: {served} is a partial build (no {', '.join(missing[:3])}"
            f"{', ...' if len(missing) > 3 else ''}); full build.",
            flush=True,
        )
        return False
    shutil.copyfile(served, fresh)
    print(f"--incremental: build starts from a copy of {served}.", flush=True)
    return True


def build_and_publish(
    build: Build,
    served: Path,
    extra_dbt_args: list[str],
    validate: bool,
    select: list[str] | None = None,
    incremental: bool = False,
) -> int:
    with build_slot(build) as dbt_path:
        if incremental:
            start_from_served(served, dbt_path)  # the file dbt builds into, before dbt opens it
        code = run_dbt_build(dbt_path, build, extra_dbt_args, select)
        wholly_rejected = print_data_quality(dbt_path) if dbt_path.exists() else []
        if code == 0:
            seal(dbt_path)
            adopt_slot(dbt_path, build)
    if code != 0:
        if wholly_rejected:
            print(
                f"\nRaw table(s) {', '.join(wholly_rejected)} wholly rejected or empty (reasons above): dbt skipped"
                " what depends on them.",
                file=sys.stderr,
            )
        print(f"\ndbt build failed (exit {code}); the served warehouse {served} was left as it was.", file=sys.stderr)
        return code
    if validate and (code := run_validation(build, built_only=bool(select))) != 0:
        failed = keep_failed(build) if build.fresh.exists() else None
        print(
            f"\nValidation of build {build.build_id} failed (exit {code}); the served warehouse {served} was left"
            f" as it was.\nReport: {build.report / 'summary.md'}\nFailed build kept as: {failed}",
            file=sys.stderr,
        )
        return EXIT_VALIDATION_FAILED
    publish(build.fresh, served)
    print_published(build, served)
    return 0


def build(
    served: Path,
    extra_dbt_args: list[str],
    validate: bool = True,
    select: list[str] | None = None,
    incremental: bool = False,
) -> int:
    served.parent.mkdir(parents=True, exist_ok=True)
    current = new_build(served.parent)
    print(f"Build {current.build_id}", flush=True)
    with build_lock(current):
        try:
            remove_stale_leftovers(current)
            return build_and_publish(current, served, extra_dbt_args, validate, select, incremental)
        finally:
            for leftover in (current.fresh, current.fresh.with_name(current.fresh.name + ".wal")):
                leftover.unlink(missing_ok=True)  # gone already when published or kept as failed
            prune_reports(current.folder)
            print(f"Build id: {current.build_id}", flush=True)


def _terminate(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--served",
        type=Path,
        default=Path(os.environ.get("CRM_SERVED_PATH", DEFAULT_SERVED)),
        help="the served DuckDB file (default warehouse/crm.duckdb or $CRM_SERVED_PATH)",
    )
    parser.add_argument(
        "--no-validate", action="store_true", help="publish when dbt build passes, without the validation"
    )
    parser.add_argument(
        "--select",
        nargs="+",
        metavar="SELECTOR",
        help="build only these dbt selectors (and the build record), validate only the tables built",
    )
    parser.add_argument(
        "--incremental",
        action="store_true",
        help="start from a copy of the served warehouse: incremental models add only what is new (without it,"
        " a fresh empty file: a full build, the full refresh)",
    )
    parser.add_argument("dbt_args", nargs="*", help="extra arguments passed to dbt build (after --)")
    args = parser.parse_args(argv)
    with contextlib.suppress(ValueError):  # only the main thread can set it; then SIGTERM runs the cleanup
        signal.signal(signal.SIGTERM, _terminate)
    try:
        return build(
            args.served.resolve(),
            args.dbt_args,
            validate=not args.no_validate,
            select=args.select,
            incremental=args.incremental,
        )
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
