"""Tests of the CLV area: the BG/NBD and Gamma-Gamma fit (clv_model_parameters), its inputs
(int_customer_clv_calibrations_summarised), the holdout back-test (rpt_clv_holdout_check) and
fct_customer_clv.

* The inputs equal a plain-Python recomputation from the raw orders (oracle_customers_clv.py), on the demo and
  on the session's small generated set.
* The log-likelihoods stored in clv_model_parameters equal an independent implementation
  (oracle_customers_clv.py: per customer, term by term; Gamma-Gamma through scipy's beta-prime) at the stored
  parameters on the inputs read from the warehouse, to 1e-6: on the demo, the small generated set and the
  50,000-customer set.
* On a generated set of 50,000 customers (slow): the fitted parameters are within 10% of the generator's truth
  (_meta/truth.json) and the back-test's total predicted purchases within 10% of the actual ones, with the
  default holdout of a whole year (clv_holdout_days = 365): the generator runs the purchase process in
  seasonal operational time, and a half-year holdout from January to June after a calibration ending on the
  December peak is about 30% below a calendar-time model's prediction (DECISIONLOG "Customer value: CLV").
  The set has no anonymous web traffic (the generator's option; the fit reads orders, the build still reads
  every raw table).
* On PostgreSQL fct_customer_clv builds with the formula CLV and null predictive columns: in
  test_dbt_postgres.py, on the shared PostgreSQL build.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import duckdb
import pytest

from conftest import SEEDS_RAW, GeneratedSet, run_dbt
from oracle import accept_all
from oracle_customers_clv import Inputs, bgnbd_log_likelihood, calibration_inputs, gamma_gamma_log_likelihood
from reliability_helpers import generate

LIKELIHOOD_TOLERANCE = 1e-6
TRUTH_TOLERANCE = 0.10
DAYS_PER_WEEK = 7.0  # the model's time unit is the week (clv_model_parameters.time_unit)
LARGE_CUSTOMERS = 50_000
LARGE_SEED = 7
LARGE_HOLDOUT_DAYS = 365  # the default of clv_holdout_days
INPUTS = "intermediate.int_customer_clv_calibrations_summarised"
PARAMETERS = "marts.clv_model_parameters"
PREDICTIVE = (
    "probability_alive",
    "expected_purchases_horizon",
    "discounted_expected_purchases_horizon",
    "expected_average_spend_reporting",
    "predicted_clv_reporting",
)


def built_inputs(database: Path) -> dict[tuple[str, str], Inputs]:
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            f"select calibration, customer_id, frequency, recency_days, age_days, holdout_purchase_days from {INPUTS}"
        ).fetchall()
    return {(calibration, customer): Inputs(*rest) for calibration, customer, *rest in rows}


def stored_and_reference_likelihoods(database: Path) -> list[tuple[str, str, float, float]]:
    """(calibration, model, stored log-likelihood, reference log-likelihood) for both models and calibrations."""
    found = []
    with duckdb.connect(str(database), read_only=True) as con:
        parameters = con.execute(
            f"select calibration, time_unit, r, alpha, a, b, p, q, gamma, bgnbd_log_likelihood,"
            f" gamma_gamma_log_likelihood from {PARAMETERS} order by calibration"
        ).fetchall()
        for calibration, unit, r, alpha, a, b, p, q, gamma, stored_bgnbd, stored_gg in parameters:
            assert unit == "week"
            rows = con.execute(
                f"select frequency, recency_days, age_days, monetary_value_reporting from {INPUTS}"
                " where calibration = ?",
                [calibration],
            ).fetchall()
            customers = [(x, t_x / DAYS_PER_WEEK, t / DAYS_PER_WEEK) for x, t_x, t, _ in rows]
            repeaters = [(x, m) for x, _, _, m in rows if x > 0]
            found.append((calibration, "bgnbd", stored_bgnbd, bgnbd_log_likelihood(r, alpha, a, b, customers)))
            found.append((calibration, "gamma_gamma", stored_gg, gamma_gamma_log_likelihood(p, q, gamma, repeaters)))
    return found


def assert_likelihoods_match(database: Path) -> None:
    for calibration, name, stored, reference in stored_and_reference_likelihoods(database):
        assert math.isfinite(reference), (calibration, name)
        assert abs(stored - reference) <= LIKELIHOOD_TOLERANCE, (calibration, name, stored, reference)


# --- demo and the session's small generated set ------------------------------------------------


def test_inputs_match_the_oracle_on_the_demo(warehouse: Path) -> None:
    expected = calibration_inputs(accept_all(SEEDS_RAW))
    assert sum(1 for calibration, _ in expected if calibration == "holdout") > 1000
    assert built_inputs(warehouse) == expected


@pytest.mark.slow
def test_inputs_match_the_oracle_on_the_generated_set(generated_set: GeneratedSet) -> None:
    expected = calibration_inputs(accept_all(generated_set.raw_dir, seed_nulls=False))
    assert len(expected) > 300
    assert built_inputs(generated_set.database) == expected


def test_log_likelihoods_match_an_independent_implementation_on_the_demo(warehouse: Path) -> None:
    assert_likelihoods_match(warehouse)


@pytest.mark.slow
def test_log_likelihoods_match_an_independent_implementation_on_the_generated_set(
    generated_set: GeneratedSet,
) -> None:
    assert_likelihoods_match(generated_set.database)


def test_fct_customer_clv_is_whole_and_consistent_on_the_demo(warehouse: Path) -> None:
    """One row per purchaser of dim_customers, with their lifetime net revenue; predictive columns filled on
    DuckDB; the predicted CLV = discounted expected purchases x expected spend x margin share (to the cent)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        missing = con.execute(
            "select count(*) from marts.dim_customers full join marts.fct_customer_clv using (customer_id)"
            " where (dim_customers.purchase_count > 0) is distinct from (fct_customer_clv.customer_id is not null)"
            " or fct_customer_clv.net_revenue_reporting <> dim_customers.lifetime_net_revenue_reporting"
        ).fetchone()[0]
        nulls = con.execute(
            "select count(*) from marts.fct_customer_clv where " + " or ".join(f"{c} is null" for c in PREDICTIVE)
        ).fetchone()[0]
        off = con.execute(
            "select count(*) from marts.fct_customer_clv inner join intermediate.int_customer_clv_predictions_scored"
            " as scored using (customer_id) where scored.calibration = 'as_of' and abs(predicted_clv_reporting"
            " - scored.discounted_expected_purchases_horizon * scored.expected_average_spend_reporting * margin_share)"
            " > 0.005 + 1e-9"
        ).fetchone()[0]
    assert (missing, nulls, off) == (0, 0, 0)


# --- a generated set of 50,000 customers (slow) --------------------------------------------------


@pytest.fixture(scope="module")
def large_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, float]:
    """50,000 generated customers (Parquet, read in place) and a build of only what the fit needs:
    (database, truth.json, seconds to generate and build)."""
    work = tmp_path_factory.mktemp("clv_large")
    started = time.monotonic()
    raw_dir = generate(work / "raw", LARGE_CUSTOMERS, LARGE_SEED, fmt="parquet", anon_sessions_per_customer=0)
    database = work / "crm.duckdb"
    env = {
        "CRM_TARGET": "duckdb",
        "CRM_DUCKDB_PATH": str(database),
        "CRM_RAW_DIR": str(raw_dir),
        "CRM_RAW_FORMAT": "parquet",
    }
    run = run_dbt(
        [
            "build",
            *("--select", "+clv_model_parameters", "+rpt_clv_holdout_check"),
            *("--exclude", "path:seeds/raw", "resource_type:test", "resource_type:unit_test"),
        ],
        work / "target",
        env,
    )
    assert run.returncode == 0, run.tail()
    truth = json.loads((raw_dir / "_meta" / "truth.json").read_text())
    return database, truth, time.monotonic() - started


@pytest.mark.slow
def test_fit_recovers_the_generator_truth_on_50k_customers(large_set: tuple[Path, dict, float]) -> None:
    database, truth, seconds = large_set
    print(f"\n50k set generated and built in {seconds:.0f} s")
    assert truth["bgnbd"]["time_unit"] == "weeks" and truth["gamma_gamma"]["currency"] == "USD"
    expected = {**{k: truth["bgnbd"][k] for k in ("r", "alpha", "a", "b")}, **truth["gamma_gamma"]}
    with duckdb.connect(str(database), read_only=True) as con:
        row = con.execute(
            f"select r, alpha, a, b, p, q, gamma, time_unit, currency_code, is_bgnbd_converged,"
            f" is_gamma_gamma_converged, customers_fitted from {PARAMETERS} where calibration = 'as_of'"
        ).fetchone()
    fitted = dict(zip(("r", "alpha", "a", "b", "p", "q", "gamma"), row[:7], strict=True))
    assert row[7:11] == ("week", "USD", True, True)
    # every ordering customer of the generator, less the few whose only orders were made dirty and rejected
    assert (
        0.97 * truth["process_counts"]["customers_with_orders"]
        <= row[11]
        <= truth["process_counts"]["customers_with_orders"]
    )
    print("fitted vs truth:", {name: (round(fitted[name], 4), expected[name]) for name in fitted})
    off = {
        name: fitted[name] / expected[name] - 1
        for name in fitted
        if abs(fitted[name] / expected[name] - 1) > TRUTH_TOLERANCE
    }
    assert off == {}


@pytest.mark.slow
def test_holdout_check_predicts_the_total_within_10_percent_on_50k_customers(
    large_set: tuple[Path, dict, float],
) -> None:
    database, _, _ = large_set
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select frequency_bucket, customers, actual_purchases, predicted_purchases, mean_absolute_error,"
            " holdout_days from marts.rpt_clv_holdout_check order by bucket_order"
        ).fetchall()
    for row in rows:
        print(row)
    *buckets, total = rows
    assert [row[0] for row in rows] == ["0", "1", "2", "3", "4", "5", "6", "7+", "total"]
    assert total[5] == LARGE_HOLDOUT_DAYS
    assert total[1] == sum(row[1] for row in buckets) and total[2] == sum(row[2] for row in buckets)
    assert abs(total[3] - sum(row[3] for row in buckets)) < 1e-6 * total[3]
    assert abs(total[3] / total[2] - 1) <= TRUTH_TOLERANCE


@pytest.mark.slow
def test_log_likelihoods_match_an_independent_implementation_on_50k_customers(
    large_set: tuple[Path, dict, float],
) -> None:
    assert_likelihoods_match(large_set[0])
