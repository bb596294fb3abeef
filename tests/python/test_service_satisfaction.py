"""Oracle tests of fct_survey_responses and rpt_satisfaction_monthly, recomputed in plain Python from the raw CSVs
(oracle_service_satisfaction.py) and equal to the marts: counts, bands and flags exactly, scores to 1e-9.

- every answer to the as-of date: its normalised score and band (the one definition of the bands);
- every month of the 'all', 'segment' and 'channel' breakdowns: no row missing, none extra; answers per type and
  per band, the below-minimum flags, NPS, CSAT, CES and their changes from the previous month.

On the demo seeds (the session's ``warehouse``) and on the session's small generated data set (conftest
``generated_set``; marked slow).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from conftest import SEEDS_RAW, GeneratedSet
from oracle import Accepted
from oracle_sales_reps import as_of_date
from oracle_service_satisfaction import MIN_SURVEY_RESPONSES, accept_needed, latest_nps_bands, monthly_scores, responses

TOLERANCE = 1e-9
COUNTS = (
    "nps",
    "promoter",
    "passive",
    "detractor",
    "csat",
    "satisfied",
    "ces",
    "low_effort",
    "medium_effort",
    "high_effort",
)
SCORES = ("nps", "csat", "ces", "nps_change", "csat_change", "ces_change")


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def close(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= TOLERANCE)


def response_mismatches(accepted: dict[str, Accepted], database: Path) -> list:
    expected = {row.response_id: row for row in responses(accepted, as_of_date(accepted))}
    built = {
        response_id: (survey_type, band, normalised)
        for response_id, survey_type, band, normalised in query(
            database, "select response_id, survey_type, response_band, normalised_score from marts.fct_survey_responses"
        )
    }
    found = [(key, built.get(key), row) for key, row in expected.items() if key not in built]
    found += [(key, got, None) for key, got in built.items() if key not in expected]
    found += [
        (key, built[key], row)
        for key, row in expected.items()
        if key in built and (built[key][:2] != (row.survey_type, row.band) or not close(built[key][2], row.normalised))
    ]
    return found


def monthly_mismatches(accepted: dict[str, Accepted], database: Path) -> tuple[list, int]:
    expected = monthly_scores(accepted)
    rows = query(
        database,
        "select month_start_date, breakdown_dimension, breakdown_value,"
        " nps_response_count, nps_promoter_count, nps_passive_count, nps_detractor_count,"
        " csat_response_count, csat_satisfied_count,"
        " ces_response_count, ces_low_effort_count, ces_medium_effort_count, ces_high_effort_count,"
        " nps_below_minimum, csat_below_minimum, ces_below_minimum,"
        " nps_score, csat_score, ces_score, nps_score_change, csat_score_change, ces_score_change,"
        " min_survey_responses"
        " from marts.rpt_satisfaction_monthly where breakdown_dimension in ('all', 'segment', 'channel')",
    )
    found = []
    scored = 0
    for month, dimension, value, *values in rows:
        counts, flags, scores, minimum = values[:10], values[10:13], values[13:19], values[19]
        wanted = expected.pop((month, dimension, value), None)
        if wanted is None:
            found.append(((month, dimension, value), values, None))
            continue
        wanted_counts = [wanted.counts.get(name, 0) for name in COUNTS]
        wanted_flags = [wanted.counts.get(name, 0) < MIN_SURVEY_RESPONSES for name in ("nps", "csat", "ces")]
        wanted_scores = [getattr(wanted, name) for name in SCORES]
        scored += sum(score is not None for score in wanted_scores[:3])
        if (
            counts != wanted_counts
            or flags != wanted_flags
            or minimum != MIN_SURVEY_RESPONSES
            or not all(close(got, want) for got, want in zip(scores, wanted_scores, strict=True))
        ):
            found.append(((month, dimension, value), values, (wanted_counts, wanted_flags, wanted_scores)))
    found += [(key, None, wanted) for key, wanted in expected.items()]
    return found, scored


def check(accepted: dict[str, Accepted], database: Path, min_scored: int) -> None:
    assert as_of_date(accepted) == query(database, "select as_of_date from intermediate.int_as_of_date")[0][0]
    assert not (problems := response_mismatches(accepted, database)), problems[:10]
    problems, scored = monthly_mismatches(accepted, database)
    assert not problems, problems[:10]
    # the minimum leaves enough scores to compare (on the small generated set it may leave none)
    assert scored >= min_scored, scored


def test_survey_bands_and_monthly_satisfaction_match_the_oracle_on_the_demo(warehouse: Path) -> None:
    check(accept_needed(SEEDS_RAW), warehouse, min_scored=30)


@pytest.mark.slow
def test_survey_bands_and_monthly_satisfaction_match_the_oracle_on_generated_data(
    generated_set: GeneratedSet,
) -> None:
    check(accept_needed(generated_set.raw_dir, seed_nulls=False), generated_set.database, min_scored=0)


def test_customer_360_has_each_customers_latest_nps_band(warehouse: Path) -> None:
    expected = latest_nps_bands(accept_needed(SEEDS_RAW))
    built = dict(query(warehouse, "select customer_id, latest_nps_band from marts.customer_360"))
    assert len(expected) > 100
    assert {customer: band for customer, band in built.items() if band is not None} == expected
