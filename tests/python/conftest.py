"""Shared fixtures: run dbt against the demo seeds once per test session.

`make test` runs the suite on two pytest-xdist workers (``-n 2 --dist loadgroup``). Tests are handed to the
workers a group at a time, longest first (pytest_xdist_make_scheduler and pytest_collection_modifyitems
below): the tests of one module stay together, so a module-scoped build runs once, and the PostgreSQL modules
go to one worker, which builds the shared PostgreSQL warehouse (pg_build) once. The demo DuckDB build (``duckdb_build`` / ``warehouse``) is made once per run
whatever the worker: the first worker that asks builds it under a file lock, the others wait and read the
same file. Tests only read that file (read-only connections) or copy it before changing anything.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reliability_helpers import generate

ROOT = Path(__file__).resolve().parents[2]
SEEDS_RAW = ROOT / "seeds" / "raw"
# The salt of the email and phone hashes in the shared PostgreSQL build (pg_build) and in test_pii_salt.py:
# distinctive, so that the salt tests can search every file a build wrote for it.
SALT_CANARY = "crmSaltCanary" + secrets.token_hex(8)
# dbt threads of the PostgreSQL build: the queries run in the server, so more threads than cores pay
PG_THREADS = "4"


@dataclass
class DbtRun:
    returncode: int
    output: str
    target_path: Path
    earlier: tuple[Path, ...] = ()  # target paths of earlier steps (the `dbt seed` of run_dbt_seeded)

    def results(self) -> list[dict]:
        found = []
        for folder in (*self.earlier, self.target_path):
            path = folder / "run_results.json"
            found += json.loads(path.read_text())["results"] if path.exists() else []
        return found

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output.splitlines()[-lines:])

    def to_json(self) -> str:
        return json.dumps(
            {
                "returncode": self.returncode,
                "output": self.output,
                "target_path": str(self.target_path),
                "earlier": [str(path) for path in self.earlier],
            }
        )

    @classmethod
    def from_json(cls, text: str) -> DbtRun:
        data = json.loads(text)
        earlier = tuple(Path(path) for path in data["earlier"])
        return cls(data["returncode"], data["output"], Path(data["target_path"]), earlier)


def build_statuses(run: DbtRun) -> Counter[str]:
    """The statuses of the nodes a `dbt build` ran. Exposures are left out: dbt build lists each as 'no-op'
    (nothing to run), which is checked here."""
    exposures = {result["status"] for result in run.results() if result["unique_id"].startswith("exposure.")}
    assert exposures <= {"no-op"}, exposures
    return Counter(result["status"] for result in run.results() if not result["unique_id"].startswith("exposure."))


def dbt_bin() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(args: list[str], target_path: Path, env: dict[str, str] | None = None, timeout: int = 1800) -> DbtRun:
    """Run dbt in the project with its own target/log folders so runs never clobber each other."""
    full_env = dict(os.environ)
    full_env.pop("CRM_RAW_DIR", None)
    full_env.update(env or {})
    command = [
        dbt_bin(),
        *args,
        "--project-dir",
        str(ROOT),
        "--profiles-dir",
        str(ROOT),
        "--target-path",
        str(target_path),
        "--log-path",
        str(target_path / "logs"),
    ]
    proc = subprocess.run(command, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout, check=False)
    return DbtRun(proc.returncode, proc.stdout + proc.stderr, target_path)


def run_dbt_seeded(args: list[str], target_path: Path, env: dict[str, str] | None = None) -> DbtRun:
    """As the build command: `dbt seed` of the demo exports (seeds/raw, the source raw), then dbt args without them.

    The models read the raw exports as source('raw', ...), so dbt does not order the seeds before them.
    Both steps parse the same project with the same profile, database and environment: the second starts from
    the first one's partial_parse.msgpack (dbt re-parses whatever differs), which saves a full parse.
    """
    seed_target = target_path.with_name(target_path.name + "_seed")
    seeded = run_dbt(["seed", "--select", "path:seeds/raw"], seed_target, env)
    if seeded.returncode != 0:
        return seeded
    parsed = seed_target / "partial_parse.msgpack"
    if parsed.exists() and not (target_path / parsed.name).exists():
        target_path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(parsed, target_path / parsed.name)
    run = run_dbt([*args, "--exclude", "path:seeds/raw"], target_path, env)
    return DbtRun(run.returncode, seeded.output + run.output, run.target_path, (seed_target,))


@contextlib.contextmanager
def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[tuple[Path, bool]]:
    """A folder made once per test run, also when pytest-xdist runs the tests on several workers: (folder, fresh).

    Without xdist it is a new folder of the session (fresh). Under xdist every worker gets the same folder,
    beside the workers' own temporary folders, under an exclusive file lock: the first worker fills it (fresh
    is True), the others wait for the lock and find it filled (fresh is False). A body that raises leaves the
    folder unfinished, so the next worker fills it again.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        yield tmp_path_factory.mktemp(name), True
        return
    folder = tmp_path_factory.getbasetemp().parent / name
    done = folder.with_name(name + ".done")
    with open(folder.with_name(name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        fresh = not done.exists()
        if fresh:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        yield folder, fresh
        done.touch()


@pytest.fixture(scope="session")
def duckdb_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtRun, Path]:
    """`dbt seed` of the demo exports, then `dbt build` of the whole project, into a fresh DuckDB file.

    Built once per test run (see once_per_run): never change the file, copy it first.
    """
    with once_per_run(tmp_path_factory, "duckdb_build") as (work, fresh):
        database = work / "crm.duckdb"
        record = work / "dbt_run.json"
        if fresh:
            env = {"CRM_TARGET": "duckdb", "CRM_DUCKDB_PATH": str(database)}
            record.write_text(run_dbt_seeded(["build"], work / "target", env).to_json())
        run = DbtRun.from_json(record.read_text())
    return run, database


@pytest.fixture(scope="session")
def warehouse(duckdb_build: tuple[DbtRun, Path]) -> Path:
    """The DuckDB file of a successful demo build (the test fails if the build did not pass)."""
    run, database = duckdb_build
    assert run.returncode == 0, "dbt build on DuckDB failed:\n" + run.tail()
    return database


# --- one small generated data set, shared by the area oracle tests -----------------------------
GENERATED_CUSTOMERS = 400
GENERATED_SEED = 11


@dataclass
class GeneratedSet:
    raw_dir: Path  # the raw CSV exports (and _meta/truth.json)
    database: Path  # the DuckDB build of them
    target_path: Path  # dbt's target folder of that build (manifest, run_results)


@pytest.fixture(scope="session")
def generated_set(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSet:
    """A small generated export (GENERATED_CUSTOMERS customers, seed GENERATED_SEED) read in place and built
    with `dbt build` (models, lookup seeds, snapshots and data tests; no unit tests), once per test run (see once_per_run).

    The area oracles recompute their marts from these raw CSVs; never change the files, copy them first.
    """
    with once_per_run(tmp_path_factory, "generated_set") as (work, fresh):
        raw_dir, database, target = work / "raw", work / "crm.duckdb", work / "target"
        record = work / "dbt_run.json"
        if fresh:
            generate(raw_dir, GENERATED_CUSTOMERS, GENERATED_SEED)
            env = {
                "CRM_TARGET": "duckdb",
                "CRM_DUCKDB_PATH": str(database),
                "CRM_RAW_DIR": str(raw_dir),
                "CRM_RAW_FORMAT": "csv",
            }
            # unit tests read the raw seed tables' columns, which a build reading raw files in place lacks;
            # they run in the demo builds
            args = ["build", "--exclude", "path:seeds/raw", "resource_type:unit_test"]
            record.write_text(run_dbt(args, target, env).to_json())
        run = DbtRun.from_json(record.read_text())
    assert run.returncode == 0, "dbt build of the generated set failed:\n" + run.tail()
    return GeneratedSet(raw_dir, database, target)


# --- PostgreSQL ------------------------------------------------------------------------------


def pg_server() -> dict[str, str]:
    """The server named by CRM_PG_HOST / CRM_PG_PORT / CRM_PG_USER / CRM_PG_PASSWORD (defaults localhost:5432)."""
    return {
        "host": os.environ.get("CRM_PG_HOST", "localhost"),
        "port": os.environ.get("CRM_PG_PORT", "5432"),
        "user": os.environ.get("CRM_PG_USER", "postgres"),
        "password": os.environ.get("CRM_PG_PASSWORD", ""),
    }


def pg_reachable(server: dict[str, str]) -> bool:
    try:
        with socket.create_connection((server["host"], int(server["port"])), timeout=3):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def scratch_database(prefix: str) -> Iterator[tuple[dict[str, str], str]]:
    """A fresh database on the configured server, dropped afterwards; skipped (a failure under CI) without a server."""
    server = pg_server()
    if not pg_reachable(server):
        message = f"no PostgreSQL server reachable at {server['host']}:{server['port']} (set CRM_PG_HOST/CRM_PG_PORT)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI must run the PostgreSQL build: " + message)
        pytest.skip(message)
    import psycopg2

    name = prefix + uuid.uuid4().hex[:8]
    admin = psycopg2.connect(dbname="postgres", **server)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"create database {name}")
    try:
        yield server, name
    finally:
        with admin.cursor() as cur:
            cur.execute(f"drop database if exists {name} with (force)")
        admin.close()


def pg_env(server: dict[str, str], name: str, options: str, salt: str = SALT_CANARY) -> dict[str, str]:
    """dbt's environment for the PostgreSQL target: the database name, PGOPTIONS (the README's way to give
    the salt, postgres_options()) and CRM_PII_SALT (the DuckDB salt, set so that a leak of it would show)."""
    return {
        "CRM_TARGET": "postgres",
        "CRM_PG_HOST": server["host"],
        "CRM_PG_PORT": server["port"],
        "CRM_PG_USER": server["user"],
        "CRM_PG_PASSWORD": server["password"],
        "CRM_PG_DATABASE": name,
        "PGOPTIONS": options,
        "CRM_PII_SALT": salt,
    }


@dataclass
class PgBuild:
    run: DbtRun  # `dbt seed` of the demo exports, then `dbt build` of the whole project
    server: dict[str, str]
    database: str
    salt: str  # given as PGOPTIONS="-c crm.pii_salt=<salt>"


@pytest.fixture(scope="session")
def pg_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PgBuild]:
    """The demo build on PostgreSQL (a scratch database, dropped at the end), shared by every PostgreSQL test
    that only reads it: test_dbt_postgres.py and test_pii_salt.py. The salt is SALT_CANARY, given as the
    README documents. Skipped (a failure under CI) without a reachable server; never change its database."""
    from crmwh.pii_session import postgres_options

    with scratch_database("crm_test_") as (server, name):
        work = tmp_path_factory.mktemp("pg_build")
        env = pg_env(server, name, postgres_options(SALT_CANARY))
        run = run_dbt_seeded(["build", "--threads", PG_THREADS], work / "target", env)
        yield PgBuild(run, server, name, SALT_CANARY)


# --- pytest-xdist: which tests go to one worker together, and in what order -----------------
#
# `make test` runs `pytest -n 2 --dist loadgroup`. xdist's own loadgroup (xdist_group marks) does not work with
# pytest 9.2 (it renames node ids, which pytest 9.2 derives anew), so the scheduler below replaces it for
# --dist loadgroup: a group is a module, or several modules named in MODULE_GROUPS; a group's tests run on one
# worker, so its module- and session-scoped builds are made once.

# the modules that read the shared PostgreSQL build (pg_build): one worker builds it once and drops it after
MODULE_GROUPS = {"test_dbt_postgres.py": "postgres", "test_pii_salt.py": "postgres"}
# seconds each group took in a run of `make test` (two workers, the demo DuckDB build not counted: it lands on
# whichever group asks first): the longest are handed out first, so that the workers finish together; a module
# not listed counts as SLOW_MODULE_SECONDS when it has a test marked slow, else FAST_MODULE_SECONDS
GROUP_SECONDS = {
    "test_reliability.py": 720,
    "test_customers_clv.py": 180,
    "postgres": 345,
    "test_lint.py": 215,
    "test_validate.py": 180,
    "test_fx_rates.py": 185,
    "test_minimal_export.py": 110,
    "test_raw_files_in_place.py": 110,
    "test_incremental.py": 180,
    "test_lineage.py": 105,
    "test_pii_free_text.py": 100,
    "test_raw_csv_errors.py": 85,
    "test_dbt_builtins.py": 30,
    "test_generator.py": 26,
    "test_dbt_duckdb.py": 21,
    "test_oracle.py": 14,
    "test_docs_conventions.py": 14,
    "test_sales_funnel.py": 60,
    "test_customers_rfm.py": 60,
    "test_sales_reps.py": 30,
    "test_customers_cohorts.py": 30,
    "test_sales_leads.py": 20,
    "test_retention_risk.py": 120,
    "test_retention_mrr.py": 60,
    "test_service_satisfaction.py": 30,
    "test_service_tickets.py": 30,
    "test_kpis.py": 40,
    "test_marketing.py": 30,
    "test_adoption.py": 40,
}
SLOW_MODULE_SECONDS = 100
FAST_MODULE_SECONDS = 10


def group_of(nodeid: str) -> str:
    """The group of a test, from its node id: its module's file name, or the group MODULE_GROUPS names."""
    module = nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
    return MODULE_GROUPS.get(module, module)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """--dist loadgroup: xdist's loadscope scheduling with group_of() as the scope; the groups are handed
    out in collection order (see pytest_collection_modifyitems), a worker getting its next group when it has
    two tests left."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    config.option.loadscopereorder = False  # keep the order of the collection
    return GroupScheduling(config, log)


# the session builds: a test that reads one is slow, as one that builds
BUILD_FIXTURES = {"duckdb_build", "warehouse", "pg_build"}


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> Iterator[None]:
    """Before the other hooks (so that `-m "not slow"` leaves them out): a test that uses a session build is
    marked slow. After them (after pytest's ordering by fixture), in the workers of --dist loadgroup: the
    groups longest first; the order within a group is kept."""
    for item in items:
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    yield
    if not getattr(config.option, "loadgroup", False):  # xdist sets it in its workers
        return
    groups = {id(item): group_of(item.nodeid) for item in items}
    slow_groups = {groups[id(item)] for item in items if item.get_closest_marker("slow")}

    def seconds(group: str) -> int:
        return GROUP_SECONDS.get(group, SLOW_MODULE_SECONDS if group in slow_groups else FAST_MODULE_SECONDS)

    items.sort(key=lambda item: -seconds(groups[id(item)]))
