"""Plain-Python expectations of the KPI scoreboard (rpt_crm_kpis_monthly, rpt_crm_kpis_by_segment), from the raw CSVs.

No KPI is defined here: each comes from the oracle of the mart that defines it, as the scoreboard reads each from
that mart (DECISIONLOG.md, "KPI scoreboard: one row per month, read not recomputed"):

- logo churn rate: ``oracle_retention_mrr.monthly_figures`` (rpt_churn_monthly's 'all' row);
- NPS and CES, overall and by segment: ``oracle_service_satisfaction.monthly_scores`` (rpt_satisfaction_monthly);
- sales cycle: ``oracle_sales_funnel.deals`` (each deal's sales_cycle_days as fct_opportunities has it), averaged
  over the deals won by the month of their actual close date, to the as-of date: the one aggregate the scoreboard
  computes itself.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from oracle import Accepted, accept_all, parse_day
from oracle_retention_mrr import monthly_figures
from oracle_sales_funnel import deals
from oracle_sales_reps import as_of_date
from oracle_service_satisfaction import monthly_scores

# The raw tables these oracles read, with their parents (accept_all without the rest: faster).
NEEDED_TABLES = (
    "sales_reps",
    "customers",
    "products",
    "fx_rates",
    "campaigns",
    "leads",
    "opportunities",
    "opportunity_stage_history",
    "web_sessions",
    "activities",
    "orders",
    "order_items",
    "subscriptions",
    "support_tickets",
    "survey_responses",
)


def accept_needed(folder: Path, seed_nulls: bool = True) -> dict[str, Accepted]:
    """``oracle.accept_all`` restricted to NEEDED_TABLES."""
    return accept_all(folder, seed_nulls, NEEDED_TABLES)


@dataclass(frozen=True)
class ScoreboardMonth:
    """The scoreboard KPIs the oracles cover, for one month."""

    logo_churn_rate: float | None
    nps_score: float | None
    nps_response_count: int | None
    ces_average_effort: float | None
    avg_sales_cycle_days: float | None


def won_cycle_days_by_month(accepted: dict[str, Accepted]) -> dict[date, float]:
    """Average sales_cycle_days of the deals won, per first day of the month of their actual close date."""
    as_of = as_of_date(accepted)
    cycles: dict[date, list[int]] = defaultdict(list)
    for opportunity_id, deal in deals(accepted).items():
        closed_on = parse_day(accepted["opportunities"].rows[(opportunity_id,)]["actual_close_date"])
        if deal.is_won and closed_on is not None and closed_on <= as_of and deal.sales_cycle_days is not None:
            cycles[closed_on.replace(day=1)].append(deal.sales_cycle_days)
    return {month: sum(days) / len(days) for month, days in cycles.items()}


def scoreboard(accepted: dict[str, Accepted], months: list[date]) -> dict[date, ScoreboardMonth]:
    """The oracles' KPIs for each of the given months (None where the source mart has no value)."""
    churn = monthly_figures(accepted)
    satisfaction = monthly_scores(accepted, dimensions=("all",))
    cycles = won_cycle_days_by_month(accepted)
    found = {}
    for month in months:
        figures = churn.get(month)
        scores = satisfaction.get((month, "all", "all"))
        found[month] = ScoreboardMonth(
            logo_churn_rate=figures.logo_churn_rate if figures else None,
            nps_score=scores.nps if scores else None,
            nps_response_count=scores.counts.get("nps", 0) if scores else None,
            ces_average_effort=scores.ces if scores else None,
            avg_sales_cycle_days=cycles.get(month),
        )
    return found


def segment_scores(accepted: dict[str, Accepted]) -> dict[tuple[date, str, str], float | None]:
    """NPS and CES per (month, segment, kpi_name) from the oracle of rpt_satisfaction_monthly's segment rows."""
    found: dict[tuple[date, str, str], float | None] = {}
    for (month, _, segment), scores in monthly_scores(accepted, dimensions=("segment",)).items():
        found[(month, segment, "nps_score")] = scores.nps
        found[(month, segment, "ces_average_effort")] = scores.ces
    return found
