"""Plain-Python recomputation of the tickets of fct_tickets and the monthly service levels of rpt_service_monthly.

Builds on ``oracle.accept_all`` (the accepted rows) and the as-of rule of ``oracle_sales_reps``; no SQL. The rules
are the ones of DECISIONLOG.md, "Service: tickets, SLAs and repeat issues":

- a ticket counts when created on or before the as-of date, in the month it was created; a response or resolution
  after the end of the as-of day (the as-of date + 1 day, 00:00) has not happened yet;
- first response and resolution time: wall-clock hours from creation, whole seconds / 3600;
- an SLA (seeds/lookups/sla_targets.csv, per priority) is met at hours <= target, missed above it; a ticket
  without a response (resolution) is missed once more than the target hours passed between its creation and the
  end of the as-of day, else pending; attainment = met / (met + missed), None when both are 0;
- median and p90: continuous percentiles, linear interpolation at position fraction x (n - 1) (the median of an
  even count is the mean of the two middle values), None without values.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

from oracle import LOOKUPS, Accepted, clean, label, load_categories, parse_ts
from oracle_sales_reps import as_of_date

BREAKDOWNS = ("all", "channel", "priority")


@dataclass(frozen=True)
class Ticket:
    """One row of fct_tickets, the columns the oracle checks."""

    ticket_id: str
    customer_id: str
    product_id: str | None
    category: str | None
    created_at: datetime
    month: date
    channel: str | None
    priority: str
    first_response_hours: float | None
    resolution_hours: float | None
    first_response_sla_status: str
    resolution_sla_status: str


@dataclass
class ServiceMonth:
    """The figures of one (month, breakdown dimension, breakdown value) row of rpt_service_monthly."""

    first_response_hours: list[float] = field(default_factory=list)
    ticket_count: int = 0
    first_response_met: int = 0
    first_response_missed: int = 0
    resolution_met: int = 0
    resolution_missed: int = 0

    @property
    def median_first_response_hours(self) -> float | None:
        return percentile(self.first_response_hours, 0.5)

    @property
    def p90_first_response_hours(self) -> float | None:
        return percentile(self.first_response_hours, 0.9)

    @staticmethod
    def _rate(met: int, missed: int) -> float | None:
        return met / (met + missed) if met + missed else None

    @property
    def first_response_sla_attainment_rate(self) -> float | None:
        return self._rate(self.first_response_met, self.first_response_missed)

    @property
    def resolution_sla_attainment_rate(self) -> float | None:
        return self._rate(self.resolution_met, self.resolution_missed)


def percentile(values: list[float], fraction: float) -> float | None:
    """Continuous percentile (percentile_cont): linear between the values around position fraction x (n - 1)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def sla_targets() -> dict[str, tuple[float, float]]:
    """Priority -> (first response target hours, resolution target hours), from the seed."""
    with (LOOKUPS / "sla_targets.csv").open(encoding="utf-8") as handle:
        return {
            row["priority"]: (float(row["first_response_target_hours"]), float(row["resolution_target_hours"]))
            for row in csv.DictReader(handle)
        }


def hours_between(start: datetime, end: datetime) -> float:
    """Wall-clock hours in whole seconds (second boundaries crossed, as dbt.datediff 'second'), / 3600."""
    seconds = (end.replace(microsecond=0) - start.replace(microsecond=0)) // timedelta(seconds=1)
    return seconds / 3600


def sla_status(hours: float | None, hours_to_as_of_end: float, target: float) -> str:
    if hours is not None:
        return "met" if hours <= target else "missed"
    return "missed" if hours_to_as_of_end > target else "pending"


def tickets(accepted: dict[str, Accepted]) -> list[Ticket]:
    """The tickets of fct_tickets: accepted, created on or before the as-of date, measured at its end."""
    as_of = as_of_date(accepted)
    as_of_end = datetime.combine(as_of + timedelta(days=1), datetime.min.time())
    categories = load_categories()
    targets = sla_targets()
    found = []
    for row in accepted["support_tickets"].rows.values():
        created = parse_ts(row["created_at"])
        if created is None or created.date() > as_of:
            continue
        first = parse_ts(clean(row["first_response_at"]))
        resolved = parse_ts(clean(row["resolved_at"]))
        first = first if first is not None and first < as_of_end else None
        resolved = resolved if resolved is not None and resolved < as_of_end else None
        priority = categories["ticket_priority"][label(row["priority"]) or ""]
        channel_label = label(row["channel"])
        first_hours = hours_between(created, first) if first else None
        resolution_hours = hours_between(created, resolved) if resolved else None
        to_as_of_end = hours_between(created, as_of_end)
        first_target, resolution_target = targets[priority]
        found.append(
            Ticket(
                ticket_id=clean(row["ticket_id"]) or "",
                customer_id=clean(row["customer_id"]) or "",
                product_id=clean(row["product_id"]),
                category=label(row["category"]),
                created_at=created,
                month=created.date().replace(day=1),
                channel=categories["ticket_channel"][channel_label] if channel_label else None,
                priority=priority,
                first_response_hours=first_hours,
                resolution_hours=resolution_hours,
                first_response_sla_status=sla_status(first_hours, to_as_of_end, first_target),
                resolution_sla_status=sla_status(resolution_hours, to_as_of_end, resolution_target),
            )
        )
    return found


def service_months(rows: list[Ticket]) -> dict[tuple[date, str, str], ServiceMonth]:
    """rpt_service_monthly's figures per (month, dimension, value) for the dimensions of BREAKDOWNS (every
    value with a ticket; the months without a ticket are left out)."""
    months: dict[tuple[date, str, str], ServiceMonth] = defaultdict(ServiceMonth)
    for ticket in rows:
        values = {"all": "all", "channel": ticket.channel or "unknown", "priority": ticket.priority}
        for dimension in BREAKDOWNS:
            figures = months[(ticket.month, dimension, values[dimension])]
            figures.ticket_count += 1
            if ticket.first_response_hours is not None:
                figures.first_response_hours.append(ticket.first_response_hours)
            figures.first_response_met += ticket.first_response_sla_status == "met"
            figures.first_response_missed += ticket.first_response_sla_status == "missed"
            figures.resolution_met += ticket.resolution_sla_status == "met"
            figures.resolution_missed += ticket.resolution_sla_status == "missed"
    return dict(months)


# rpt_service_monthly's rows the oracle checks, in the order service_month_mismatches reads them
SERVICE_MONTH_SQL = (
    "select month_start_date, breakdown_dimension, breakdown_value, ticket_count, median_first_response_hours,"
    " p90_first_response_hours, first_response_sla_attainment_rate, resolution_sla_attainment_rate"
    " from marts.rpt_service_monthly where breakdown_dimension in ("
    + ", ".join(f"'{dimension}'" for dimension in BREAKDOWNS)
    + ")"
)


def close(a: float | None, b: float | None, tolerance: float = 1e-9) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= tolerance)


def service_month_mismatches(expected: dict[tuple[date, str, str], ServiceMonth], rows: list[tuple]) -> list:
    """The rows of SERVICE_MONTH_SQL that differ from the oracle (counts exactly, hours and rates to 1e-9), and
    the oracle's rows missing from them. An 'all' row of a month without a ticket must be zeros and nulls."""
    found = []
    seen = set()
    for month, dimension, value, count, *figures in rows:
        key = (month, dimension, value)
        seen.add(key)
        wanted = expected.get(key)
        if wanted is None:
            if (dimension, count, *figures) != ("all", 0, None, None, None, None):
                found.append((key, (count, *figures), None))
            continue
        oracle = (
            wanted.median_first_response_hours,
            wanted.p90_first_response_hours,
            wanted.first_response_sla_attainment_rate,
            wanted.resolution_sla_attainment_rate,
        )
        if count != wanted.ticket_count or not all(close(a, b) for a, b in zip(figures, oracle, strict=True)):
            found.append((key, (count, *figures), (wanted.ticket_count, *oracle)))
    found += [(key, None, wanted) for key, wanted in expected.items() if key not in seen]
    return found


REPEAT_ISSUE_DAYS = yaml.safe_load((Path(__file__).resolve().parents[2] / "dbt_project.yml").read_text())["vars"][
    "repeat_issue_days"
]  # its default in dbt_project.yml


def customer_service_state(rows: list[Ticket]) -> dict[str, tuple[int, bool]]:
    """Per customer with tickets: (tickets open at the as-of end, has a repeat issue). A repeat: the customer's
    previous ticket on the same product (none = none) and category was created at most REPEAT_ISSUE_DAYS calendar
    days before."""
    state: dict[str, tuple[int, bool]] = {}
    by_issue: dict[tuple[str, str | None, str | None], list[Ticket]] = defaultdict(list)
    for ticket in rows:
        open_count, repeat = state.get(ticket.customer_id, (0, False))
        state[ticket.customer_id] = (open_count + (ticket.resolution_hours is None), repeat)
        by_issue[(ticket.customer_id, ticket.product_id, ticket.category)].append(ticket)
    for (customer, _, _), issue_tickets in by_issue.items():
        issue_tickets.sort(key=lambda ticket: (ticket.created_at, ticket.ticket_id))
        if any(
            (later.created_at.date() - earlier.created_at.date()).days <= REPEAT_ISSUE_DAYS
            for earlier, later in itertools.pairwise(issue_tickets)
        ):
            state[customer] = (state[customer][0], True)
    return state
