"""Plain-Python recomputation of the rep figures of rpt_sales_rep_performance_monthly, from the raw CSVs.

Builds on ``oracle.accept_all`` (the accepted rows) and its fx helpers; no SQL. The rules are the ones of
DECISIONLOG.md, "Sales: rep performance and the pipeline forecast": a closed deal counts for its owner in the
month of its actual close date, on or before the as-of date; bookings are the won deals' amounts converted at the
close date's rate and rounded to the cent per deal; win rates cover closed deals only and are None when nothing
closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from oracle import (
    REPORTING_CURRENCY,
    Accepted,
    clean,
    fx_rates_by_day,
    label,
    load_categories,
    parse_day,
    parse_number,
    rate_to_usd,
)

CENT = Decimal("0.01")
CLOSED_STAGES = ("closed_won", "closed_lost")
# int_as_of_date: the latest event date among these accepted tables and columns
AS_OF_EVENTS = (
    ("orders", "ordered_at"),
    ("web_sessions", "started_at"),
    ("opportunities", "created_at"),
    ("support_tickets", "created_at"),
    ("activities", "created_at"),
)


def as_of_date(accepted: dict[str, Accepted]) -> date:
    """The latest event date in the accepted rows (the as-of date when the var as_of_date is not set)."""
    return max(
        day
        for table, column in AS_OF_EVENTS
        for row in accepted[table].rows.values()
        if (day := parse_day(row[column])) is not None
    )


def amount_reporting(amount: Decimal, rate: float | None) -> Decimal | None:
    """amount x rate in double precision (as the SQL multiplies a decimal by a double), rounded to the cent."""
    if rate is None:
        return None
    return Decimal(float(amount) * rate).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class RepMonth:
    """Closed deals of one rep in one close month."""

    won: int = 0
    lost: int = 0
    bookings: Decimal = Decimal(0)
    lost_amount: Decimal = Decimal(0)

    @property
    def win_rate_by_count(self) -> float | None:
        return self.won / (self.won + self.lost) if self.won + self.lost else None

    @property
    def win_rate_by_amount(self) -> float | None:
        total = self.bookings + self.lost_amount
        return float(self.bookings / total) if total > 0 else None


def fx_rate_to_reporting(rates: dict, currency: str, day: date) -> float | None:
    """The rate as the warehouse computes it (int_fx_rates_daily): 1 for the reporting currency, else the
    currency's fresh rate_to_usd divided by the reporting currency's, both doubles (the fresh-rate rule is
    oracle.rate_to_usd); None without a fresh rate on either side."""
    if currency == REPORTING_CURRENCY:
        return 1.0
    source, target = rate_to_usd(rates, currency, day), rate_to_usd(rates, REPORTING_CURRENCY, day)
    if source is None or target is None:
        return None
    return float(source) / float(target)


def closed_deals_by_rep_month(
    accepted: dict[str, Accepted], as_of: date | None = None
) -> dict[tuple[str, date], RepMonth]:
    """Per (owner rep, first day of the close month): deals won and lost, bookings and lost amount (reporting
    currency). Deals created after the as-of date or closed after it are left out; a deal without an fx rate on its
    close date counts in the counts, not in the amounts."""
    as_of = as_of or as_of_date(accepted)
    stages = load_categories()["opportunity_stage"]
    rates = fx_rates_by_day(accepted)
    months: dict[tuple[str, date], RepMonth] = {}
    for row in accepted["opportunities"].rows.values():
        owner = clean(row["owner_rep_id"])
        stage = stages[label(row["stage"]) or ""]
        created = parse_day(row["created_at"])
        closed_on = parse_day(row["actual_close_date"])
        if owner is None or stage not in CLOSED_STAGES or closed_on is None or created > as_of or closed_on > as_of:
            continue
        currency = (clean(row["currency"]) or "").upper()
        rate = fx_rate_to_reporting(rates, currency, closed_on)
        money = amount_reporting(parse_number(clean(row["amount"])) or Decimal(0), rate)
        month = months.setdefault((owner, closed_on.replace(day=1)), RepMonth())
        if stage == "closed_won":
            month.won += 1
            month.bookings += money or Decimal(0)
        else:
            month.lost += 1
            month.lost_amount += money or Decimal(0)
    return months


def open_pipeline_at_as_of(accepted: dict[str, Accepted], as_of: date | None = None) -> tuple[int, Decimal]:
    """Deals open at the as-of date (created on or before it, not closed by then) and their amount at the as-of
    date's rate, rounded per deal: what rpt_pipeline_forecast's company rows add up to."""
    as_of = as_of or as_of_date(accepted)
    rates = fx_rates_by_day(accepted)
    stages = load_categories()["opportunity_stage"]
    count, total = 0, Decimal(0)
    for row in accepted["opportunities"].rows.values():
        closed_on = parse_day(row["actual_close_date"])
        stage = stages[label(row["stage"]) or ""]
        if parse_day(row["created_at"]) > as_of or (
            stage in CLOSED_STAGES and closed_on is not None and closed_on <= as_of
        ):
            continue
        currency = (clean(row["currency"]) or "").upper()
        money = amount_reporting(
            parse_number(clean(row["amount"])) or Decimal(0), fx_rate_to_reporting(rates, currency, as_of)
        )
        count += 1
        total += money or Decimal(0)
    return count, total
