"""`dbt seed` of the demo exports, then `dbt build` of the whole project, on PostgreSQL.

The server is named by CRM_PG_HOST / CRM_PG_PORT / CRM_PG_USER / CRM_PG_PASSWORD
(defaults localhost:5432, user postgres). Where none is reachable the test is
skipped with a message; under CI (CI=true) that is a failure, since .ci/run
starts a server (scripts/ci/postgres.sh). The salt of the email and phone hashes is
given to PostgreSQL as the README documents: PGOPTIONS="-c crm.pii_salt=...".

The build is the session fixture pg_build (conftest.py), which test_pii_salt.py reads too.
"""

from __future__ import annotations

from collections import Counter

import pytest

from conftest import PgBuild


@pytest.mark.postgres
def test_dbt_build_passes_on_postgres(pg_build: PgBuild) -> None:
    run = pg_build.run
    assert run.returncode == 0, run.tail()
    statuses = Counter(result["status"] for result in run.results())
    assert set(statuses) <= {"success", "pass"}, statuses
    kinds = Counter(result["unique_id"].split(".")[0] for result in run.results())
    assert kinds["model"] >= 20 and kinds["unit_test"] >= 4, kinds
