"""`dbt seed` of the demo exports, then `dbt build` of the whole project, on PostgreSQL.

The server is named by CRM_PG_HOST / CRM_PG_PORT / CRM_PG_USER / CRM_PG_PASSWORD
(defaults localhost:5432, user postgres). Where none is reachable the test is
skipped with a message; under CI (CI=true) that is a failure, since .ci/run
starts a server (scripts/ci/postgres.sh). The salt of the email and phone hashes is
given to PostgreSQL as the README documents: PGOPTIONS="-c crm.pii_salt=...".
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import run_dbt_seeded
from crmwh.pii_session import pii_salt, postgres_options


def _server() -> dict[str, str]:
    return {
        "host": os.environ.get("CRM_PG_HOST", "localhost"),
        "port": os.environ.get("CRM_PG_PORT", "5432"),
        "user": os.environ.get("CRM_PG_USER", "postgres"),
        "password": os.environ.get("CRM_PG_PASSWORD", ""),
    }


def _reachable(server: dict[str, str]) -> bool:
    try:
        with socket.create_connection((server["host"], int(server["port"])), timeout=3):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def scratch_database(prefix: str) -> Iterator[tuple[dict[str, str], str]]:
    """A fresh database on the configured server, dropped afterwards; skipped (a failure under CI) without a server."""
    server = _server()
    if not _reachable(server):
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


@pytest.fixture(scope="module")
def pg_database():
    with scratch_database("crm_test_") as database:
        yield database


@pytest.mark.postgres
def test_dbt_build_passes_on_postgres(pg_database, tmp_path: Path) -> None:
    server, name = pg_database
    env = {
        "CRM_TARGET": "postgres",
        "CRM_PG_HOST": server["host"],
        "CRM_PG_PORT": server["port"],
        "CRM_PG_USER": server["user"],
        "CRM_PG_PASSWORD": server["password"],
        "CRM_PG_DATABASE": name,
        # the salt of the email/phone hashes, as the README documents for PostgreSQL
        "PGOPTIONS": postgres_options(pii_salt()),
    }
    run = run_dbt_seeded(["build"], tmp_path / "target", env)
    assert run.returncode == 0, run.tail()
    statuses = Counter(result["status"] for result in run.results())
    assert set(statuses) <= {"success", "pass"}, statuses
    kinds = Counter(result["unique_id"].split(".")[0] for result in run.results())
    assert kinds["model"] >= 20 and kinds["unit_test"] >= 4, kinds
