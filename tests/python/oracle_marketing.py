"""Plain-Python recomputation of the CAC per channel and month (rpt_cac_monthly) and of the marketing ROI per
campaign (rpt_campaign_performance), from the raw CSVs.

Builds on ``oracle.accept_all`` (the accepted rows), the purchases of ``oracle_customers_cohorts`` and the fx rule
of ``oracle_sales_reps``; no SQL. The rules are the ones of DECISIONLOG.md, "Marketing: attribution, CAC and web
conversion":

- spend: every accepted spend row dated on or before the as-of date, converted at its spend date's rate and
  rounded to the cent (a row without a fresh rate is worth nothing); its channel buys the acquisition channel of
  seeds/lookups/spend_channel_acquisition_channels.csv (none: counted in 'all' only);
- a new customer: first revenue purchase on or before the as-of date, in that month, on the customer's acquisition
  channel ('unknown' when missing); the conversion moment is the first revenue order's ordered_at;
- a touch: a web session not of medium 'none', a lead's creation, an email click, on or before the as-of date; its
  person is the session's customer, else its lead's converted customer, else the one customer of its visitor
  (stitching over every session); a lead's creation belongs to its converted customer, else to the customer of
  its capturing session; a converted customer's touches at or before the conversion moment count, ordered by time,
  then web session / lead / email click, then the record id;
- attribution: the net revenue of the first attribution_window_days days (the first purchase day is day 1) to the
  campaign of the first touch and, separately, of the last touch; CAC = spend / new customers, rounded to the cent;
  ROI = (attributed revenue - spend) / spend in double precision, None without spend.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from oracle import LOOKUPS, Accepted, clean, fx_rates_by_day, label, parse_day, parse_number, parse_ts
from oracle_customers_cohorts import cents, converted, purchases
from oracle_sales_reps import as_of_date, fx_rate_to_reporting

ATTRIBUTION_WINDOW_DAYS = 90  # dbt var attribution_window_days (its default)
TEN_DECIMALS = Decimal("1e-10")
TOUCH_ORDER = {"web_session": 1, "lead_created": 2, "email_click": 3}


def channel_map() -> dict[str, str | None]:
    """Spend channel -> acquisition channel (None: buys none), the seed."""
    with (LOOKUPS / "spend_channel_acquisition_channels.csv").open(encoding="utf-8") as handle:
        return {row["spend_channel"]: row["acquisition_channel"] or None for row in csv.DictReader(handle)}


def money_division(amount: Decimal, count: int) -> Decimal:
    """round_money(amount / count): to ten decimals, then to the cent."""
    return cents((amount / count).quantize(TEN_DECIMALS, rounding=ROUND_HALF_UP))


def roi(revenue: Decimal, spend: Decimal) -> float | None:
    return float(revenue - spend) / float(spend) if spend > 0 else None


@dataclass(frozen=True)
class Spend:
    campaign_id: str
    month: date
    acquisition_channel: str | None
    amount: Decimal  # reporting currency, 0 when not converted


def spend_rows(accepted: dict[str, Accepted], as_of: date) -> list[Spend]:
    rates = fx_rates_by_day(accepted)
    mapping = channel_map()
    rows = []
    for row in accepted["marketing_spend"].rows.values():
        day = parse_day(row["spend_date"])
        if day > as_of:
            continue
        rate = fx_rate_to_reporting(rates, (clean(row["currency"]) or "").upper(), day)
        amount = converted(parse_number(clean(row["amount"])) or Decimal(0), rate) if rate is not None else Decimal(0)
        rows.append(Spend(clean(row["campaign_id"]) or "", day.replace(day=1), mapping[label(row["channel"])], amount))
    return rows


@dataclass
class NewCustomer:
    customer_id: str
    acquisition_channel: str
    first_purchase_at: datetime
    month: date
    first_month_revenue: Decimal = Decimal(0)
    window_revenue: Decimal = Decimal(0)
    first_touch_campaign: str | None = None
    last_touch_campaign: str | None = None


def new_customers(accepted: dict[str, Accepted], as_of: date) -> dict[str, NewCustomer]:
    bought = purchases(accepted, as_of)
    first_day: dict[str, date] = {}
    for purchase in bought:
        if purchase.customer_id not in first_day or purchase.order_date < first_day[purchase.customer_id]:
            first_day[purchase.customer_id] = purchase.order_date
    first_at: dict[str, datetime] = {}
    for purchase in bought:
        if purchase.order_date == first_day[purchase.customer_id]:
            moment = parse_ts(accepted["orders"].rows[(purchase.order_id,)]["ordered_at"])
            first_at[purchase.customer_id] = min(moment, first_at.get(purchase.customer_id, moment))
    found = {}
    for customer, day in first_day.items():
        channel = label(accepted["customers"].rows[(customer,)]["acquisition_channel"]) or "unknown"
        found[customer] = NewCustomer(customer, channel, first_at[customer], day.replace(day=1))
    for purchase in bought:
        new = found[purchase.customer_id]
        first = first_day[purchase.customer_id]
        if purchase.order_date.replace(day=1) == new.month:
            new.first_month_revenue += purchase.net_revenue
        if purchase.order_date <= first + timedelta(days=ATTRIBUTION_WINDOW_DAYS - 1):
            new.window_revenue += purchase.net_revenue
    return found


def one(values: set[str]) -> str | None:
    return next(iter(values)) if len(values) == 1 else None


def direct_sessions(raw_dir: Path) -> set[str]:
    """Session ids of medium 'none' (direct traffic), read from the CSV text itself: dbt seeds keep the word 'none'
    in this varchar column, where ``oracle.read_raw`` takes it for a seed null token."""
    with (raw_dir / "raw_web_sessions.csv").open(encoding="utf-8", newline="") as handle:
        return {clean(row["session_id"]) or "" for row in csv.DictReader(handle) if label(row["medium"]) == "none"}


def customer_touches(
    accepted: dict[str, Accepted], as_of: date, direct: set[str]
) -> dict[str, list[tuple[datetime, int, str, str | None]]]:
    """Per customer: (touched_at, tie order, record id, campaign) of every touch on or before the as-of date."""
    leads = accepted["leads"].rows
    sessions = []
    visitor_customers: dict[str, set[str]] = defaultdict(set)
    for row in accepted["web_sessions"].rows.values():
        lead = clean(row["lead_id"])
        known = clean(row["customer_id"]) or (clean(leads[(lead,)]["converted_customer_id"]) if lead else None)
        visitor = clean(row["visitor_id"])
        if known and visitor:
            visitor_customers[visitor].add(known)
        sessions.append((row, lead, known, visitor))
    touches: dict[str, list[tuple[datetime, int, str, str | None]]] = defaultdict(list)
    lead_customers: dict[str, set[str]] = defaultdict(set)
    for row, lead, known, visitor in sessions:
        customer = known or (one(visitor_customers[visitor]) if visitor else None)
        if lead and customer:
            lead_customers[lead].add(customer)
        started = parse_ts(row["started_at"])
        session_id = clean(row["session_id"]) or ""
        if customer and session_id not in direct and started.date() <= as_of:
            touches[customer].append((started, 1, session_id, clean(row["campaign_id"])))
    for (lead_id,), row in leads.items():
        customer = clean(row["converted_customer_id"]) or one(lead_customers[lead_id])
        created = parse_ts(row["created_at"])
        if customer and created.date() <= as_of:
            touches[customer].append((created, 2, lead_id, clean(row["campaign_id"])))
    for (event_id,), row in accepted["email_events"].rows.items():
        customer = clean(row["customer_id"])
        clicked = parse_ts(row["event_at"])
        if customer and label(row["event_type"]) == "click" and clicked.date() <= as_of:
            touches[customer].append((clicked, 3, event_id, clean(row["campaign_id"])))
    return touches


def attributed(accepted: dict[str, Accepted], as_of: date, raw_dir: Path) -> dict[str, NewCustomer]:
    """The new customers with their first- and last-touch campaigns."""
    found = new_customers(accepted, as_of)
    for customer, touches in customer_touches(accepted, as_of, direct_sessions(raw_dir)).items():
        new = found.get(customer)
        if new is None:
            continue
        before = sorted(touch for touch in touches if touch[0] <= new.first_purchase_at)
        if before:
            new.first_touch_campaign, new.last_touch_campaign = before[0][3], before[-1][3]
    return found


@dataclass
class CacMonth:
    spend: Decimal = Decimal(0)
    new_customers: int = 0
    net_new_revenue: Decimal = Decimal(0)
    attributed_revenue: Decimal = Decimal(0)

    @property
    def cac(self) -> Decimal | None:
        return money_division(self.spend, self.new_customers) if self.new_customers else None

    @property
    def marketing_roi(self) -> float | None:
        return roi(self.attributed_revenue, self.spend)


def cac_months(accepted: dict[str, Accepted], raw_dir: Path) -> dict[tuple[date, str], CacMonth]:
    """Per (month, acquisition channel or 'all'): the figures of rpt_cac_monthly (only rows with spend or customers)."""
    as_of = as_of_date(accepted)
    months: dict[tuple[date, str], CacMonth] = defaultdict(CacMonth)
    for spend in spend_rows(accepted, as_of):
        months[(spend.month, "all")].spend += spend.amount
        if spend.acquisition_channel is not None:
            months[(spend.month, spend.acquisition_channel)].spend += spend.amount
    for new in attributed(accepted, as_of, raw_dir).values():
        for channel in ("all", new.acquisition_channel):
            month = months[(new.month, channel)]
            month.new_customers += 1
            month.net_new_revenue += new.first_month_revenue
            if new.first_touch_campaign is not None:
                month.attributed_revenue += new.window_revenue
    return dict(months)


@dataclass
class CampaignFigures:
    spend: Decimal = Decimal(0)
    first_touch_customers: int = 0
    last_touch_customers: int = 0
    first_touch_revenue: Decimal = Decimal(0)
    last_touch_revenue: Decimal = Decimal(0)

    @property
    def roi_first_touch(self) -> float | None:
        return roi(self.first_touch_revenue, self.spend)

    @property
    def roi_last_touch(self) -> float | None:
        return roi(self.last_touch_revenue, self.spend)


def campaign_figures(accepted: dict[str, Accepted], raw_dir: Path) -> dict[str | None, CampaignFigures]:
    """Per campaign (None: no campaign): spend, first- and last-touch customers and revenue, ROI."""
    as_of = as_of_date(accepted)
    figures: dict[str | None, CampaignFigures] = {
        campaign: CampaignFigures() for (campaign,) in accepted["campaigns"].rows
    }
    figures[None] = CampaignFigures()
    for spend in spend_rows(accepted, as_of):
        figures[spend.campaign_id].spend += spend.amount
    for new in attributed(accepted, as_of, raw_dir).values():
        figures[new.first_touch_campaign].first_touch_customers += 1
        figures[new.first_touch_campaign].first_touch_revenue += new.window_revenue
        figures[new.last_touch_campaign].last_touch_customers += 1
        figures[new.last_touch_campaign].last_touch_revenue += new.window_revenue
    return figures
