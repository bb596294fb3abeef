"""Plain-Python recomputation of rpt_renewals from the raw CSVs, and the customers active on a day.

Builds on ``oracle.accept_all`` (the accepted rows); no SQL. The rules are the ones of DECISIONLOG.md,
"Retention: renewals": a contract reached its end when its end date is on or before the as-of date and it was not
cancelled before that date; it is renewed by a later contract naming it, else (rule) by a contract of the same
customer that names no contract, starts after it started and at most ``grace_days`` after its end, and runs past
that end; pending while that window is open at the as-of date, else churned. Active on a day: the definition of
int_customer_activity_periods (a contract in force, or a revenue purchase within the inactivity window).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from oracle import Accepted, clean, label, load_categories, parse_day
from oracle_sales_reps import as_of_date

RENEWAL_GRACE_DAYS = 30
INACTIVITY_WINDOW_DAYS = 180
NOT_REVENUE = ("cancelled", "refunded")


@dataclass(frozen=True)
class Contract:
    subscription_id: str
    customer_id: str
    plan: str
    start: date
    end: date | None
    renews: str | None
    cancelled: date | None

    @property
    def last_day_in_force(self) -> date | None:
        """Its end date, or its cancellation day when that is earlier (None: open-ended)."""
        if self.cancelled is not None and (self.end is None or self.cancelled < self.end):
            return self.cancelled
        return self.end


@dataclass
class RenewalMonth:
    """Contracts of one month of contract end and one breakdown."""

    reached: int = 0
    named: int = 0
    rule: int = 0
    churned: int = 0
    pending: int = 0

    @property
    def renewed(self) -> int:
        return self.named + self.rule

    @property
    def renewal_rate(self) -> float | None:
        decided = self.renewed + self.churned
        return self.renewed / decided if decided else None


def contracts(accepted: dict[str, Accepted]) -> list[Contract]:
    plans = load_categories()["subscription_plan"]
    found = []
    for row in accepted["subscriptions"].rows.values():
        found.append(
            Contract(
                subscription_id=clean(row["subscription_id"]) or "",
                customer_id=clean(row["customer_id"]) or "",
                plan=plans[label(row["plan"]) or ""],
                start=parse_day(row["contract_start_date"]),
                end=parse_day(row["contract_end_date"]),
                renews=clean(row["renewal_of_subscription_id"]),
                cancelled=parse_day(row["cancelled_at"]),
            )
        )
    return found


def customer_segments(accepted: dict[str, Accepted]) -> dict[str, str | None]:
    segments = load_categories()["customer_segment"]
    return {
        clean(row["customer_id"]) or "": segments.get(label(row["segment"]) or "") if row["segment"] else None
        for row in accepted["customers"].rows.values()
    }


def renewal_outcome(
    contract: Contract, named: set[str], same_customer: list[Contract], as_of: date, grace_days: int
) -> str:
    """named, rule, pending or churned; named: the ids some contract names in renewal_of_subscription_id."""
    if contract.subscription_id in named:
        return "named"
    window_end = contract.end + timedelta(days=grace_days)
    for other in same_customer:
        if (
            other.customer_id == contract.customer_id
            and other.subscription_id != contract.subscription_id
            and other.renews is None
            and contract.start < other.start <= window_end
            and (other.end is None or other.end > contract.end)
        ):
            return "rule"
    return "pending" if window_end > as_of else "churned"


def renewals_by_month(
    accepted: dict[str, Accepted], as_of: date | None = None, grace_days: int = RENEWAL_GRACE_DAYS
) -> dict[tuple[date, str, str], RenewalMonth]:
    """Per (month of contract end, breakdown dimension, breakdown value): the rows of rpt_renewals."""
    as_of = as_of or as_of_date(accepted)
    everything = contracts(accepted)
    segments = customer_segments(accepted)
    by_customer: dict[str, list[Contract]] = {}
    for contract in everything:
        by_customer.setdefault(contract.customer_id, []).append(contract)
    named = {contract.renews for contract in everything if contract.renews is not None}
    months: dict[tuple[date, str, str], RenewalMonth] = {}
    for contract in everything:
        if contract.end is None or contract.end > as_of:
            continue
        if contract.cancelled is not None and contract.cancelled < contract.end:
            continue
        outcome = renewal_outcome(contract, named, by_customer[contract.customer_id], as_of, grace_days)
        month = contract.end.replace(day=1)
        breakdowns = (
            ("all", "all"),
            ("plan", contract.plan),
            ("segment", segments.get(contract.customer_id) or "unknown"),
        )
        for dimension, value in breakdowns:
            figures = months.setdefault((month, dimension, value), RenewalMonth())
            figures.reached += 1
            setattr(figures, outcome, getattr(figures, outcome) + 1)
    return months


def revenue_purchase_days(accepted: dict[str, Accepted], as_of: date) -> dict[str, set[date]]:
    """Per customer: the days with a revenue order (not cancelled or refunded) on or before the as-of date."""
    statuses = load_categories()["order_status"]
    days: dict[str, set[date]] = {}
    for row in accepted["orders"].rows.values():
        day = parse_day(row["ordered_at"])
        if statuses[label(row["status"]) or ""] in NOT_REVENUE or day is None or day > as_of:
            continue
        days.setdefault(clean(row["customer_id"]) or "", set()).add(day)
    return days


def customers_under_contract_on(accepted: dict[str, Accepted], day: date, as_of: date | None = None) -> set[str]:
    """Customers with a contract started by the as-of date in force on the day (activity basis contract)."""
    as_of = as_of or as_of_date(accepted)
    return {
        contract.customer_id
        for contract in contracts(accepted)
        if contract.start <= min(day, as_of)
        and (contract.last_day_in_force is None or contract.last_day_in_force >= day)
    }


def customers_active_on(
    accepted: dict[str, Accepted], day: date, as_of: date | None = None, window_days: int = INACTIVITY_WINDOW_DAYS
) -> set[str]:
    """Customers active on the day: a contract started by the as-of date in force that day, or a revenue purchase
    day in the window_days days up to it (int_customer_activity_periods)."""
    as_of = as_of or as_of_date(accepted)
    active = customers_under_contract_on(accepted, day, as_of)
    for customer, days in revenue_purchase_days(accepted, as_of).items():
        if any(day - timedelta(days=window_days - 1) <= bought <= day for bought in days):
            active.add(customer)
    return active
