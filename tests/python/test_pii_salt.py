"""The salt of the email and phone hashes (CRM_PII_SALT) is written to no file a build writes, and the
hashes are still sha256(salt || normalised value).

A distinctive random salt is used for every build here; then every file under dbt's target and log
folders (compiled and run SQL, manifest.json, partial_parse.msgpack, run_results.json, dbt.log), the
warehouse folder (DuckDB files, validation reports) and the build's output are searched for it:

- the build command (``python -m crmwh.build``) on the demo seeds, DuckDB;
- plain dbt on DuckDB (the models that hash, with their parents);
- dbt on PostgreSQL, the salt given as documented: PGOPTIONS="-c crm.pii_salt=..." (skipped with a
  message where no server is reachable, as test_dbt_postgres.py): the shared demo build of conftest.pg_build,
  which is made with this salt.

An empty CRM_PII_SALT, a DuckDB profile without the plugin that sets the session variable, and a PostgreSQL
session without crm.pii_salt fail loudly, never hashing with an empty salt.

Run one guarantee with ``-k``: salt.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import subprocess
import unicodedata
from pathlib import Path

import duckdb
import pytest

from conftest import (
    ROOT,
    SALT_CANARY,
    SEEDS_RAW,
    DbtRun,
    PgBuild,
    dbt_bin,
    pg_env,
    run_dbt,
    run_dbt_seeded,
    scratch_database,
)
from crmwh.pii_session import postgres_options
from reliability_helpers import CORE_SELECTION, build_env, files_containing, run_build, tail

pytestmark = pytest.mark.slow

# one distinctive random salt per test session (per xdist worker), shared with conftest.pg_build
SALT = SALT_CANARY
# the models that call pii_hash(), with everything they read (raw and lookup seeds)
HASHING = ["+base_crm__customers", "+base_crm__leads", "+base_crm__sales_reps", "+base_crm__email_events"]
SAMPLE = 8  # customers whose hashes are recomputed in Python


def salt_env(**extra: str) -> dict[str, str]:
    return {"CRM_PII_SALT": SALT, **extra}


def assert_salt_written_nowhere(output: str, *folders: Path) -> None:
    assert SALT not in output, "the salt was printed:\n" + tail(output)
    leaked = files_containing(SALT, *folders)
    assert not leaked, f"the salt was written to {leaked}"


def assert_artifacts_written(target: Path, logs: Path) -> None:
    """The search below is meaningful: dbt wrote its artifacts, compiled SQL and log where we look."""
    for path in (target / "manifest.json", target / "partial_parse.msgpack", target / "compiled", logs / "dbt.log"):
        assert path.exists(), f"{path} was not written"


# --- expected hashes, recomputed in Python ---------------------------------------------------


def normalise_email(value: str) -> str | None:
    """As macros/normalize_email.sql: NFC, whitespace removed, lower case; null unless local@domain.tld."""
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFC", value)).lower()
    return folded if re.fullmatch(r"[^@]+@[^@]+[.][^@]+", folded) else None


def normalise_phone(value: str) -> str | None:
    """As macros/normalize_phone.sql: leading + or 00 dropped, digits only; null under 7 digits."""
    digits = re.sub(r"[^0-9]", "", re.sub(r"^(\+|00)", "", value.strip()))
    return digits if len(digits) >= 7 else None


def salted(value: str | None) -> str | None:
    return None if value is None else hashlib.sha256((SALT + value).encode("utf-8")).hexdigest()


def expected_customer_hashes() -> dict[str, tuple[str | None, str | None]]:
    """customer_id -> (email hash, phone hash) of a sample of customers that appear once in the demo export,
    with an email and a phone that normalise."""
    with (SEEDS_RAW / "raw_customers.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["customer_id"]] = counts.get(row["customer_id"], 0) + 1
    sample = {}
    for row in rows:
        email, phone = normalise_email(row["email"] or ""), normalise_phone(row["phone"] or "")
        if counts[row["customer_id"]] == 1 and email and phone:
            sample[row["customer_id"]] = (salted(email), salted(phone))
        if len(sample) == SAMPLE:
            break
    assert len(sample) == SAMPLE, sample
    return sample


def assert_hashes_match(rows: list[tuple[str, str | None, str | None]]) -> None:
    expected = expected_customer_hashes()
    built = {customer_id: (email_hash, phone_hash) for customer_id, email_hash, phone_hash in rows}
    assert {key: built.get(key) for key in expected} == expected


HASH_QUERY = "select customer_id, email_hash, phone_hash from {schema}.base_crm__customers where customer_id in ({ids})"


def duckdb_hashes(database: Path) -> list[tuple]:
    ids = ", ".join(f"'{key}'" for key in expected_customer_hashes())
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(HASH_QUERY.format(schema="staging", ids=ids)).fetchall()


# --- DuckDB: the build command and plain dbt -------------------------------------------------


@pytest.fixture(scope="module")
def build_command_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    """The build command on the demo seeds with the distinctive salt: (output, work folder, served file)."""
    work = tmp_path_factory.mktemp("salt_build")
    env = build_env(work, work)
    for name in ("CRM_RAW_DIR", "CRM_RAW_FORMAT"):
        env.pop(name)
    env.update(salt_env())
    served = work / "served" / "crm.duckdb"
    result = run_build(served, env, CORE_SELECTION)  # staging (every hash) and the core marts
    assert result.returncode == 0, tail(result.stdout)
    return result.stdout, work, served


@pytest.fixture(scope="module")
def plain_dbt_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtRun, Path]:
    work = tmp_path_factory.mktemp("salt_dbt")
    database = work / "crm.duckdb"
    env = salt_env(CRM_TARGET="duckdb", CRM_DUCKDB_PATH=str(database))
    run = run_dbt_seeded(["build", "--select", *HASHING, "--exclude", "test_type:data"], work / "target", env)
    assert run.returncode == 0, run.tail()
    return run, database


def test_salt_in_no_file_the_build_command_writes(build_command_run: tuple[str, Path, Path]) -> None:
    output, work, served = build_command_run
    assert_artifacts_written(work / "target", work / "logs")
    assert (served.parent / "validation").is_dir()
    assert_salt_written_nowhere(output, work / "target", work / "logs", served.parent)


def test_salt_in_no_file_plain_dbt_writes(plain_dbt_run: tuple[DbtRun, Path]) -> None:
    run, database = plain_dbt_run
    assert_artifacts_written(run.target_path, run.target_path / "logs")
    assert_salt_written_nowhere(run.output, run.target_path, database.parent)


def test_salt_hashes_are_sha256_of_salt_and_normalised_value(
    build_command_run: tuple[str, Path, Path], plain_dbt_run: tuple[DbtRun, Path]
) -> None:
    """Recomputed in Python from the raw export: sha256(salt || normalised email / phone), hex."""
    assert_hashes_match(duckdb_hashes(build_command_run[2]))
    assert_hashes_match(duckdb_hashes(plain_dbt_run[1]))


def test_salt_empty_fails_loudly(tmp_path: Path) -> None:
    env = {"CRM_PII_SALT": "  ", "CRM_TARGET": "duckdb", "CRM_DUCKDB_PATH": str(tmp_path / "crm.duckdb")}
    run = run_dbt(["run", "--select", "base_crm__customers"], tmp_path / "target", env)
    assert run.returncode != 0
    assert "CRM_PII_SALT is set but empty" in run.output, run.tail()


def test_salt_missing_from_the_duckdb_session_fails_loudly(tmp_path: Path) -> None:
    """A profile without the plugin crmwh.pii_session: the run stops at its start, saying what to set."""
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    text = (ROOT / "profiles.yml").read_text(encoding="utf-8")
    without_plugin = text.replace("      plugins:\n        - module: crmwh.pii_session\n", "")
    assert without_plugin != text
    (profiles / "profiles.yml").write_text(without_plugin, encoding="utf-8")
    env = dict(os.environ, CRM_TARGET="duckdb", CRM_DUCKDB_PATH=str(tmp_path / "crm.duckdb"), **salt_env())
    env.pop("CRM_RAW_DIR", None)
    command = [dbt_bin(), "run", "--select", "base_crm__customers", "--project-dir", str(ROOT)]
    command += ["--profiles-dir", str(profiles), "--target-path", str(tmp_path / "target")]
    command += ["--log-path", str(tmp_path / "logs")]
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode != 0
    assert "The DuckDB variable crm_pii_salt (the salt of the email and phone hashes) is not set" in proc.stdout, tail(
        proc.stdout
    )
    assert "START sql table model" not in proc.stdout


# --- PostgreSQL ------------------------------------------------------------------------------


@pytest.mark.postgres
def test_salt_on_postgres_comes_from_pgoptions_and_is_written_nowhere(pg_build: PgBuild) -> None:
    """The shared PostgreSQL build (conftest.pg_build: `dbt seed`, then `dbt build` of the whole project) was
    given this module's salt as PGOPTIONS, with CRM_PII_SALT set to it too."""
    import psycopg2

    assert pg_build.salt == SALT
    run, server, name = pg_build.run, pg_build.server, pg_build.database
    assert run.returncode == 0, run.tail()
    assert_artifacts_written(run.target_path, run.target_path / "logs")
    assert_salt_written_nowhere(run.output, run.target_path, *run.earlier)

    ids = ", ".join(f"'{key}'" for key in expected_customer_hashes())
    with psycopg2.connect(dbname=name, **server) as con, con.cursor() as cur:
        cur.execute(
            "select table_schema from information_schema.tables where table_name = 'base_crm__customers' limit 1"
        )
        schema = cur.fetchone()[0]
        cur.execute(HASH_QUERY.format(schema=schema, ids=ids))
        assert_hashes_match(cur.fetchall())


@pytest.mark.postgres
def test_salt_missing_from_the_postgres_session_fails_loudly(tmp_path: Path) -> None:
    with scratch_database("crm_salt_") as (server, name):
        run = run_dbt(["run", "--select", "base_crm__customers"], tmp_path / "target", pg_env(server, name, ""))
    assert run.returncode != 0
    assert "The PostgreSQL session setting crm.pii_salt" in run.output and "PGOPTIONS" in run.output, run.tail()
    assert "START sql" not in run.output


def test_postgres_options_escape_spaces_and_backslashes() -> None:
    assert postgres_options("a b\\c") == "-c crm.pii_salt=a\\ b\\\\c"
