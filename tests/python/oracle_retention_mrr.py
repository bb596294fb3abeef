"""Plain-Python recomputation of the customer-months, the MRR movements and the monthly logo churn, from the raw CSVs.

Builds on ``oracle.accept_all`` (the accepted rows), its fx helpers, the as-of rule of ``oracle_sales_reps`` and the
purchases of ``oracle_customers_cohorts``; no SQL. The rules are the ones of DECISIONLOG.md, "Retention:
customer-months, MRR movements, churn and retention cost" (and int_customer_activity_periods):

- activity periods: a contract from its start to its end date, or to the day it was cancelled when that is earlier
  (open-ended when neither), contracts starting after the as-of date left out; a revenue purchase day to the as-of
  date keeps the customer active for INACTIVITY_WINDOW_DAYS days, the day included;
- a month is measured at its month end (the as-of date in the as-of month); a customer is active there when a
  period contains the day; the MRR is the contracts in force that day, each converted at the rate of its own start
  date and rounded to the cent (a contract without a fresh rate that day adds nothing);
- a customer has a row per month from the month of the first period start to the month holding the day after the
  last active day, at most the as-of month;
- MRR movement against the previous month end (0 before the first row): new, reactivation (from 0 after MRR at an
  earlier month end), churned (to 0), expansion, contraction, unchanged; none when both are 0.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from oracle import Accepted, clean, fx_rates_by_day, parse_day, parse_number, parse_ts
from oracle_customers_cohorts import converted, purchases
from oracle_sales_reps import as_of_date, fx_rate_to_reporting

INACTIVITY_WINDOW_DAYS = 180  # dbt var inactivity_window_days (its default)
MOVEMENTS = ("new", "expansion", "contraction", "churned", "reactivation", "unchanged")


@dataclass(frozen=True)
class Period:
    """One activity period of int_customer_activity_periods."""

    customer_id: str
    basis: str  # contract or purchase
    start: date
    end: date | None  # inclusive; None: open-ended
    mrr: Decimal | None = None  # contract currency
    currency: str | None = None


def activity_periods(accepted: dict[str, Accepted], as_of: date) -> dict[str, list[Period]]:
    """Every customer's activity periods: their contracts and their purchase days."""
    found: dict[str, list[Period]] = defaultdict(list)
    for row in accepted["subscriptions"].rows.values():
        start = parse_day(row["contract_start_date"])
        if start > as_of:
            continue
        end = parse_day(row["contract_end_date"])
        cancelled = parse_ts(clean(row["cancelled_at"]))
        if cancelled is not None and (end is None or cancelled.date() < end):
            end = cancelled.date()
        customer = clean(row["customer_id"]) or ""
        mrr = parse_number(clean(row["mrr"]))
        currency = (clean(row["currency"]) or "").upper()
        found[customer].append(Period(customer, "contract", start, end, mrr, currency))
    days = {(purchase.customer_id, purchase.order_date) for purchase in purchases(accepted, as_of)}
    for customer, day in days:
        found[customer].append(Period(customer, "purchase", day, day + timedelta(days=INACTIVITY_WINDOW_DAYS - 1)))
    return found


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_end(month: date, as_of: date) -> date:
    """The day a month is measured at: its last day, or the as-of date in the as-of month."""
    return min(next_month(month) - timedelta(days=1), as_of)


def fx_span_start(accepted: dict[str, Accepted]) -> date:
    """First day of int_fx_rates_daily: the first rate or order date (no rate converts before it)."""
    days = [parse_day(row["rate_date"]) for row in accepted["fx_rates"].rows.values()]
    days += [parse_day(row["ordered_at"]) for row in accepted["orders"].rows.values()]
    return min(day for day in days if day is not None)


@dataclass(frozen=True)
class CustomerMonth:
    """One row of fct_customer_months (the columns the oracle checks)."""

    customer_id: str
    month: date
    is_active_at_start: bool
    is_active: bool
    mrr_at_start: Decimal
    mrr: Decimal
    movement: str | None


def movement(start: Decimal, end: Decimal, had_mrr_before: bool) -> str | None:
    if start == 0 and end > 0:
        return "reactivation" if had_mrr_before else "new"
    if start > 0 and end == 0:
        return "churned"
    if end > start:
        return "expansion"
    if end < start:
        return "contraction"
    return "unchanged" if start > 0 else None


def customer_months(accepted: dict[str, Accepted], as_of: date | None = None) -> list[CustomerMonth]:
    """Every customer-month from the first activity to the churned month (or the as-of month)."""
    as_of = as_of or as_of_date(accepted)
    as_of_month = as_of.replace(day=1)
    rates = fx_rates_by_day(accepted)
    span_start = fx_span_start(accepted)
    rate_cache: dict[tuple[str, date], float | None] = {}

    def rate(currency: str, day: date) -> float | None:
        if (currency, day) not in rate_cache:
            rate_cache[(currency, day)] = None if day < span_start else fx_rate_to_reporting(rates, currency, day)
        return rate_cache[(currency, day)]

    rows = []
    for customer, periods in activity_periods(accepted, as_of).items():
        month = min(period.start for period in periods).replace(day=1)
        last_active = max(as_of if period.end is None or period.end > as_of else period.end for period in periods)
        last_month = min(as_of_month, (last_active + timedelta(days=1)).replace(day=1))
        was_active, start_mrr, had_mrr = False, Decimal(0), False
        while month <= last_month:
            day = month_end(month, as_of)
            in_force = [p for p in periods if p.start <= day and (p.end is None or p.end >= day)]
            mrr = Decimal(0)
            for period in in_force:
                if period.basis == "contract" and (found := rate(period.currency or "", period.start)) is not None:
                    mrr += converted(period.mrr or Decimal(0), found)
            rows.append(
                CustomerMonth(
                    customer, month, was_active, bool(in_force), start_mrr, mrr, movement(start_mrr, mrr, had_mrr)
                )
            )
            had_mrr = had_mrr or mrr > 0
            was_active, start_mrr = bool(in_force), mrr
            month = next_month(month)
    return rows


@dataclass
class MonthFigures:
    """One month of rpt_mrr_movements_monthly and of rpt_churn_monthly's 'all' row."""

    customers_at_start: int = 0
    churned_customers: int = 0
    retained_customers: int = 0
    starting_mrr: Decimal = Decimal(0)
    ending_mrr: Decimal = Decimal(0)
    starting_customers: int = 0  # with MRR at the start
    ending_customers: int = 0  # with MRR at the end
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MOVEMENTS, 0))
    amounts: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(MOVEMENTS, Decimal(0)))

    @property
    def logo_churn_rate(self) -> float | None:
        return self.churned_customers / self.customers_at_start if self.customers_at_start else None

    def retention(self, expansion: bool) -> float | None:
        """Gross (without expansion) or net revenue retention; None when nothing was recurring at the start."""
        if not self.starting_mrr:
            return None
        kept = self.starting_mrr - self.amounts["churned"] - self.amounts["contraction"]
        return float(kept + (self.amounts["expansion"] if expansion else 0)) / float(self.starting_mrr)


def monthly_figures(
    accepted: dict[str, Accepted], as_of: date | None = None, rows: list[CustomerMonth] | None = None
) -> dict[date, MonthFigures]:
    """Per month from the first activity month to the as-of month: logo churn and MRR movements."""
    as_of = as_of or as_of_date(accepted)
    rows = customer_months(accepted, as_of) if rows is None else rows
    figures: dict[date, MonthFigures] = {}
    month = min(row.month for row in rows)
    while month <= as_of.replace(day=1):
        figures[month] = MonthFigures()
        month = next_month(month)
    for row in rows:
        month_figures = figures[row.month]
        month_figures.customers_at_start += row.is_active_at_start
        month_figures.churned_customers += row.is_active_at_start and not row.is_active
        month_figures.retained_customers += row.is_active_at_start and row.is_active
        month_figures.starting_mrr += row.mrr_at_start
        month_figures.ending_mrr += row.mrr
        month_figures.starting_customers += row.mrr_at_start > 0
        month_figures.ending_customers += row.mrr > 0
        if row.movement is not None:
            month_figures.counts[row.movement] += 1
            month_figures.amounts[row.movement] += {
                "new": row.mrr,
                "reactivation": row.mrr,
                "unchanged": row.mrr,
                "churned": row.mrr_at_start,
                "expansion": row.mrr - row.mrr_at_start,
                "contraction": row.mrr_at_start - row.mrr,
            }[row.movement]
    return figures
