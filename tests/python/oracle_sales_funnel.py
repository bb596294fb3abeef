"""Oracle of the sales funnel: the metrics of METRICS.md "Sales funnel and pipeline", from the raw CSVs in plain Python.

Starts from the rows ``oracle.accept_all`` accepts and re-derives, without SQL, what
``fct_opportunities`` and ``rpt_funnel_conversion_monthly`` must say (DECISIONLOG "Sales:
opportunities and stage transitions" and "Sales: funnel conversion"):

- the as-of date: the latest event date (orders, web sessions, opportunities, tickets, activities);
- per opportunity created by then: lead source (``direct`` without a lead, ``unknown`` when the lead
  names none), owner, team, product, cohort month, furthest stage reached (skips count as passed,
  closed_lost reaches nothing, closed_won 5), sales cycle days, amount in the reporting currency;
- per cohort month, breakdown and funnel stage: reached count, stage-to-stage and cumulative
  conversion, drop-off, median days in stage over completed entries, the largest drop-off;
- per lead source: stage-to-stage conversion over all cohorts, win rate by count and by amount
  (closed deals only) and the median cycle of won deals.
"""

from __future__ import annotations

import csv
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from oracle import (
    LOOKUPS,
    Accepted,
    clean,
    fx_rate,
    fx_rates_by_day,
    label,
    load_categories,
    parse_day,
    parse_number,
    parse_ts,
)

FUNNEL_STAGES: tuple[str, ...] = ("lead", "qualified", "proposal", "negotiation", "closed_won")
BREAKDOWNS: tuple[str, ...] = ("all", "lead_source", "owner_rep", "team", "product")
UNASSIGNED = "unassigned"
CENT = Decimal("0.01")
# (model, timestamp column) of the events that set the as-of date (int_as_of_date)
AS_OF_EVENTS: tuple[tuple[str, str], ...] = (
    ("orders", "ordered_at"),
    ("web_sessions", "started_at"),
    ("opportunities", "created_at"),
    ("support_tickets", "created_at"),
    ("activities", "created_at"),
)


@dataclass(frozen=True)
class Deal:
    opportunity_id: str
    lead_source: str
    owner_rep_id: str | None
    owner_team: str | None
    product_id: str | None
    cohort_month: date
    stage_name: str
    furthest_stage_order: int
    is_closed: bool
    is_won: bool
    sales_cycle_days: int | None
    amount_reporting: Decimal | None
    days_in_stage: tuple[tuple[str, float], ...]  # (stage, days) of every completed entry

    def breakdown_value(self, dimension: str) -> str:
        return {
            "all": "all",
            "lead_source": self.lead_source,
            "owner_rep": self.owner_rep_id or UNASSIGNED,
            "team": self.owner_team or UNASSIGNED,
            "product": self.product_id or UNASSIGNED,
        }[dimension]


@dataclass(frozen=True)
class FunnelRow:
    reached_count: int
    stage_conversion_rate: float | None
    cumulative_conversion_rate: float
    drop_off_rate: float | None
    median_days_in_stage: float | None
    completed_entry_count: int
    is_largest_drop_off: bool


def stage_orders() -> dict[str, int]:
    with (LOOKUPS / "stage_probabilities.csv").open(encoding="utf-8") as handle:
        return {record["stage_name"]: int(record["stage_order"]) for record in csv.DictReader(handle)}


def as_of_date(accepted: dict[str, Accepted]) -> date:
    return max(
        parsed.date()
        for table, column in AS_OF_EVENTS
        for row in accepted[table].rows.values()
        if (parsed := parse_ts(row[column])) is not None
    )


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _whole_seconds(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def deals(accepted: dict[str, Accepted]) -> dict[str, Deal]:
    """Every accepted opportunity created on or before the as-of date, by id."""
    as_of = as_of_date(accepted)
    stages = load_categories()["opportunity_stage"]
    orders = stage_orders()
    rates = fx_rates_by_day(accepted)
    history: dict[str, list[tuple[datetime, str, str]]] = defaultdict(list)
    for (history_id,), row in accepted["opportunity_stage_history"].rows.items():
        entered = parse_ts(row["entered_at"])
        if entered.date() <= as_of:
            history[clean(row["opportunity_id"]) or ""].append((entered, history_id or "", stages[label(row["stage"])]))
    found: dict[str, Deal] = {}
    for (opportunity_id,), row in accepted["opportunities"].rows.items():
        created = parse_ts(row["created_at"])
        if created.date() > as_of:
            continue
        stage = stages[label(row["stage"])]
        entries = sorted(history.get(opportunity_id or "", []))
        seen = {stage_name for _, _, stage_name in entries} | {stage}
        furthest = max(orders[name] if name != "closed_lost" else 1 for name in seen)
        days = tuple(
            (entry[2], (_whole_seconds(following[0]) - _whole_seconds(entry[0])).total_seconds() / 86400.0)
            for entry, following in pairwise(entries)
        )
        lead_id = clean(row["lead_id"])
        if lead_id is None:
            lead_source = "direct"
        else:
            lead_source = label(accepted["leads"].rows[(lead_id,)]["lead_source"]) or "unknown"
        owner = clean(row["owner_rep_id"])
        team = clean(accepted["sales_reps"].rows[(owner,)]["team"]) if owner else None
        is_closed = stage in ("closed_won", "closed_lost")
        closed_on = parse_day(row["actual_close_date"])
        valued_on = closed_on if is_closed else as_of
        currency = (clean(row["currency"]) or "").upper()
        rate = fx_rate(rates, currency, valued_on) if valued_on is not None else None
        amount = parse_number(clean(row["amount"]))
        found[opportunity_id or ""] = Deal(
            opportunity_id=opportunity_id or "",
            lead_source=lead_source,
            owner_rep_id=owner,
            owner_team=team,
            product_id=clean(row["product_id"]),
            cohort_month=created.date().replace(day=1),
            stage_name=stage,
            furthest_stage_order=furthest,
            is_closed=is_closed,
            is_won=stage == "closed_won",
            sales_cycle_days=(closed_on - created.date()).days if is_closed and closed_on else None,
            amount_reporting=cents(amount * rate) if rate is not None and amount is not None else None,
            days_in_stage=days,
        )
    return found


def _ratio(numerator: int, denominator: int | None) -> float | None:
    return None if not denominator else numerator / denominator


def funnel_rows(group: Iterable[Deal]) -> dict[str, FunnelRow]:
    """The five funnel rows of one cohort and breakdown value."""
    members = list(group)
    orders = stage_orders()
    reached = [sum(deal.furthest_stage_order >= orders[stage] for deal in members) for stage in FUNNEL_STAGES]
    conversions = [None] + [_ratio(reached[k], reached[k - 1]) for k in range(1, len(FUNNEL_STAGES))]
    drop_offs = [None if rate is None else 1 - rate for rate in conversions]
    known = [(-drop, k) for k, drop in enumerate(drop_offs) if drop is not None]
    largest = min(known)[1] if known else None
    rows: dict[str, FunnelRow] = {}
    for k, stage in enumerate(FUNNEL_STAGES):
        days = [value for deal in members for name, value in deal.days_in_stage if name == stage]
        rows[stage] = FunnelRow(
            reached_count=reached[k],
            stage_conversion_rate=conversions[k],
            cumulative_conversion_rate=reached[k] / reached[0],
            drop_off_rate=drop_offs[k],
            median_days_in_stage=statistics.median(days) if days else None,
            completed_entry_count=len(days),
            is_largest_drop_off=k == largest,
        )
    return rows


def funnel(found: dict[str, Deal]) -> dict[tuple[date, str, str, str], FunnelRow]:
    """rpt_funnel_conversion_monthly by (cohort_month, breakdown_dimension, breakdown_value, stage_name)."""
    groups: dict[tuple[date, str, str], list[Deal]] = defaultdict(list)
    for deal in found.values():
        for dimension in BREAKDOWNS:
            groups[(deal.cohort_month, dimension, deal.breakdown_value(dimension))].append(deal)
    return {(*key, stage): row for key, members in groups.items() for stage, row in funnel_rows(members).items()}


@dataclass(frozen=True)
class LeadSourceFigures:
    reached: tuple[int, ...]  # per funnel stage, all cohorts
    stage_conversion: tuple[float | None, ...]  # per funnel stage (None on lead)
    win_rate_by_count: float | None
    win_rate_by_amount: float | None
    median_won_cycle_days: float | None


def per_lead_source(found: dict[str, Deal]) -> dict[str, LeadSourceFigures]:
    """Stage-to-stage conversion, win rates (closed deals only) and the median won cycle per lead source."""
    orders = stage_orders()
    sources: dict[str, list[Deal]] = defaultdict(list)
    for deal in found.values():
        sources[deal.lead_source].append(deal)
    figures: dict[str, LeadSourceFigures] = {}
    for source, members in sources.items():
        reached = tuple(sum(deal.furthest_stage_order >= orders[stage] for deal in members) for stage in FUNNEL_STAGES)
        closed = [deal for deal in members if deal.is_closed]
        won = [deal for deal in closed if deal.is_won]
        closed_amount = sum((deal.amount_reporting for deal in closed if deal.amount_reporting is not None), Decimal(0))
        won_amount = sum((deal.amount_reporting for deal in won if deal.amount_reporting is not None), Decimal(0))
        cycles = [deal.sales_cycle_days for deal in won if deal.sales_cycle_days is not None]
        figures[source] = LeadSourceFigures(
            reached=reached,
            stage_conversion=(None, *(_ratio(reached[k], reached[k - 1]) for k in range(1, len(reached)))),
            win_rate_by_count=_ratio(len(won), len(closed)),
            win_rate_by_amount=float(won_amount / closed_amount) if closed_amount else None,
            median_won_cycle_days=float(statistics.median(cycles)) if cycles else None,
        )
    return figures
