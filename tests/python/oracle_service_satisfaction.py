"""Plain-Python recomputation of the survey bands and the monthly NPS, CSAT and CES, from the raw CSVs.

Builds on ``oracle.accept_all`` (the accepted rows) and the as-of rule of ``oracle_sales_reps``; no SQL. The rules
are the ones of DECISIONLOG.md, "Service: satisfaction and channel preference", written out again here with exact
fractions (the models cut on integers):

- scale: NPS 0-10, CSAT 1-5, CES the export's ces_scale ("min-max"); normalised = (score - min) / (max - min);
- bands: NPS promoter 9-10, passive 7-8, detractor 0-6; CSAT satisfied at normalised >= 3/4; CES low effort
  below 1/3, medium below 2/3, high from 2/3;
- answers on or before the as-of date count in the calendar month of their UTC date; a breakdown value has a row
  for every month from its first answer month to the as-of month;
- NPS = 100 x (promoters - detractors) / NPS answers; CSAT = satisfied / CSAT answers; CES = mean normalised
  effort; each null below MIN_SURVEY_RESPONSES answers of its type; change = score - previous month's score,
  null when either is null.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

import yaml

from oracle import Accepted, accept_all, clean, label, load_categories, parse_int, parse_ts
from oracle_retention_mrr import next_month
from oracle_sales_reps import as_of_date

MIN_SURVEY_RESPONSES = yaml.safe_load((Path(__file__).resolve().parents[2] / "dbt_project.yml").read_text())["vars"][
    "min_survey_responses"
]  # its default in dbt_project.yml
FIXED_SCALES = {"nps": (0, 10), "csat": (1, 5)}
# The tables the answers and the as-of date need, with their parents (accept_all without the rest: faster).
NEEDED_TABLES = (
    "sales_reps",
    "customers",
    "products",
    "fx_rates",
    "campaigns",
    "leads",
    "opportunities",
    "web_sessions",
    "activities",
    "orders",
    "support_tickets",
    "survey_responses",
)


def accept_needed(folder: Path, seed_nulls: bool = True) -> dict[str, Accepted]:
    """``oracle.accept_all`` restricted to NEEDED_TABLES."""
    return accept_all(folder, seed_nulls, NEEDED_TABLES)


@dataclass(frozen=True)
class Response:
    """One row of fct_survey_responses (the columns the oracle checks)."""

    response_id: str
    customer_id: str
    responded_at: datetime
    survey_type: str
    month: date
    normalised: float
    band: str
    segment: str | None
    channel: str | None


def scale(survey_type: str, ces_scale: str | None) -> tuple[int, int]:
    if survey_type in FIXED_SCALES:
        return FIXED_SCALES[survey_type]
    folded = re.sub("[\u2013\u2014]", "-", re.sub(r"\s+", "", unicodedata.normalize("NFC", ces_scale or "")))
    low, high = folded.split("-")
    return int(low), int(high)


def band(survey_type: str, score: int, low: int, high: int) -> str:
    position = Fraction(score - low, high - low)
    if survey_type == "nps":
        return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
    if survey_type == "csat":
        return "satisfied" if position >= Fraction(3, 4) else "not_satisfied"
    return (
        "low_effort" if position < Fraction(1, 3) else "medium_effort" if position < Fraction(2, 3) else "high_effort"
    )


def responses(accepted: dict[str, Accepted], as_of: date) -> list[Response]:
    """Every accepted answer on or before the as-of date, with its band and the customer's segment."""
    categories = load_categories()
    segments = {
        clean(row["customer_id"]): categories["customer_segment"].get(label(row["segment"]) or "")
        for row in accepted["customers"].rows.values()
    }
    found = []
    for row in accepted["survey_responses"].rows.values():
        responded_at = parse_ts(row["responded_at"])
        responded = responded_at.date()
        if responded > as_of:
            continue
        survey_type = categories["survey_type"][label(row["survey_type"]) or ""]
        score = parse_int(clean(row["score"]))
        low, high = scale(survey_type, row["ces_scale"])
        found.append(
            Response(
                response_id=clean(row["response_id"]) or "",
                customer_id=clean(row["customer_id"]) or "",
                responded_at=responded_at,
                survey_type=survey_type,
                month=responded.replace(day=1),
                normalised=(score - low) / (high - low),
                band=band(survey_type, score, low, high),
                segment=segments[clean(row["customer_id"])],
                channel=label(row["channel"]),
            )
        )
    return found


@dataclass
class MonthScores:
    """One row of rpt_satisfaction_monthly (the columns the oracle checks)."""

    counts: dict[str, int]  # answers per survey type and per band
    nps: float | None = None
    csat: float | None = None
    ces: float | None = None
    nps_change: float | None = None
    csat_change: float | None = None
    ces_change: float | None = None


def breakdown_value(response: Response, dimension: str) -> str:
    if dimension == "all":
        return "all"
    value = response.segment if dimension == "segment" else response.channel
    return value or "unknown"


def change(score: float | None, previous: float | None) -> float | None:
    return None if score is None or previous is None else score - previous


def monthly_scores(
    accepted: dict[str, Accepted], dimensions: tuple[str, ...] = ("all", "segment", "channel")
) -> dict[tuple[date, str, str], MonthScores]:
    """Per (month, breakdown dimension, breakdown value): counts, NPS, CSAT, CES and their monthly changes."""
    as_of = as_of_date(accepted)
    found: dict[tuple[date, str, str], MonthScores] = {}
    answers = responses(accepted, as_of)
    for dimension in dimensions:
        grouped: dict[str, dict[date, list[Response]]] = defaultdict(lambda: defaultdict(list))
        for response in answers:
            grouped[breakdown_value(response, dimension)][response.month].append(response)
        for value, by_month in grouped.items():
            month, previous = min(by_month), MonthScores({})
            while month <= as_of:
                month_answers = by_month.get(month, [])
                counts: dict[str, int] = defaultdict(int)
                for response in month_answers:
                    counts[response.survey_type] += 1
                    counts[response.band] += 1
                scores = MonthScores(dict(counts))
                if counts["nps"] >= MIN_SURVEY_RESPONSES:
                    scores.nps = 100 * (counts["promoter"] - counts["detractor"]) / counts["nps"]
                if counts["csat"] >= MIN_SURVEY_RESPONSES:
                    scores.csat = counts["satisfied"] / counts["csat"]
                if counts["ces"] >= MIN_SURVEY_RESPONSES:
                    scores.ces = sum(r.normalised for r in month_answers if r.survey_type == "ces") / counts["ces"]
                scores.nps_change = change(scores.nps, previous.nps)
                scores.csat_change = change(scores.csat, previous.csat)
                scores.ces_change = change(scores.ces, previous.ces)
                found[(month, dimension, value)] = scores
                month, previous = next_month(month), scores
    return found


def latest_nps_bands(accepted: dict[str, Accepted]) -> dict[str, str]:
    """Each customer's latest NPS answer to the as-of date (the later responded_at, then response_id): its band."""
    latest: dict[str, Response] = {}
    for response in responses(accepted, as_of_date(accepted)):
        if response.survey_type != "nps":
            continue
        known = latest.get(response.customer_id)
        if known is None or (response.responded_at, response.response_id) > (known.responded_at, known.response_id):
            latest[response.customer_id] = response
    return {customer: response.band for customer, response in latest.items()}
