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

from conftest import PgBuild, build_statuses


@pytest.mark.postgres
def test_dbt_build_passes_on_postgres(pg_build: PgBuild) -> None:
    run = pg_build.run
    assert run.returncode == 0, run.tail()
    statuses = build_statuses(run)
    assert set(statuses) <= {"success", "pass"}, statuses
    kinds = Counter(result["unique_id"].split(".")[0] for result in run.results())
    assert kinds["model"] >= 20 and kinds["unit_test"] >= 4, kinds


@pytest.mark.postgres
def test_fct_customer_clv_on_postgres_has_the_formula_and_null_predictive_columns(pg_build: PgBuild) -> None:
    """dbt-postgres runs no Python models: the CLV fit, its predictions and the back-test are disabled there,
    and fct_customer_clv keeps the history and the formula CLV with its five predictive columns null."""
    import psycopg2

    run = pg_build.run
    assert run.returncode == 0, run.tail()
    built = {result["unique_id"].split(".")[-1] for result in run.results() if result["status"] == "success"}
    assert "fct_customer_clv" in built
    assert not built & {"clv_model_parameters", "int_customer_clv_predictions_scored", "rpt_clv_holdout_check"}
    predictive = (
        "probability_alive",
        "expected_purchases_horizon",
        "discounted_expected_purchases_horizon",
        "expected_average_spend_reporting",
        "predicted_clv_reporting",
    )
    with psycopg2.connect(dbname=pg_build.database, **pg_build.server) as con, con.cursor() as cur:
        cur.execute(
            "select count(*), count(formula_clv_reporting), "
            + ", ".join(f"count({column})" for column in predictive)
            + " from marts.fct_customer_clv"
        )
        rows, formula, *counted = cur.fetchone()
    con.close()
    assert rows > 1000 and formula == rows and counted == [0] * len(predictive)


@pytest.mark.postgres
def test_rpt_service_monthly_on_postgres_matches_the_oracle(pg_build: PgBuild) -> None:
    """The percentiles of rpt_service_monthly (macro percentile: percentile_cont on PostgreSQL, quantile_cont on
    DuckDB) equal the plain-Python oracle on PostgreSQL too, as test_service_tickets.py checks on DuckDB: the
    median and p90 first response, both SLA attainment rates and the ticket counts of every month, overall, by
    channel and by priority (oracle_service_tickets.py)."""
    import psycopg2

    from conftest import SEEDS_RAW
    from oracle import accept_all
    from oracle_service_tickets import SERVICE_MONTH_SQL, service_month_mismatches, service_months, tickets

    run = pg_build.run
    assert run.returncode == 0, run.tail()
    with psycopg2.connect(dbname=pg_build.database, **pg_build.server) as con, con.cursor() as cur:
        cur.execute(SERVICE_MONTH_SQL)
        rows = cur.fetchall()
    con.close()
    expected = service_months(tickets(accept_all(SEEDS_RAW)))
    assert not (problems := service_month_mismatches(expected, rows)), problems[:10]
