"""Plain-Python recomputation of the RFM marts (fct_customer_rfm, rpt_rfm_segments, rpt_rfm_segment_movement) from
the raw CSVs.

Builds on ``oracle.accept_all`` (the accepted rows), its fx helpers and the as-of date rule of
``oracle_sales_reps``; no SQL. The rules are the ones of DECISIONLOG.md, "Customer value: RFM scores, segments
and their movement":

- purchases: revenue orders (status not cancelled or refunded) on or before the reference date, one purchase per
  customer and UTC order day, same-day orders summed;
- an order's net revenue in the reporting currency is derived as int_order_items_converted does it: each line's
  gross amount rounded to the cent, the order's gross total and its discount each converted at the order date's
  rate (a double) and rounded to the cent once, net = gross - discount; 0 for an order without accepted lines;
- recency = days from the last purchase day to the reference date, frequency = purchase days, monetary = total net
  revenue;
- score = 1 + floor(5 x (r - 1) / n), r = 1 + customers with a strictly worse value, n = customers at that date;
- segment: the grid below by recency score x (frequency score + monetary score + 1) // 2, written out here
  independently of the seed rfm_segment_map (a test compares the two).
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from oracle import Accepted, clean, fx_rates_by_day, label, load_categories, parse_day, parse_int, parse_number
from oracle_sales_reps import as_of_date, fx_rate_to_reporting

CENT = Decimal("0.01")
TEN_DECIMALS = Decimal("1E-10")
RFM_MOVEMENT_DAYS = 90  # dbt var rfm_movement_days (its default)
NOT_A_CUSTOMER = "not_a_customer"

# recency score -> frequency-monetary score -> segment (DECISIONLOG "Customer value: RFM scores, segments and
# their movement"; the seed rfm_segment_map must say the same)
SEGMENT_GRID: dict[int, dict[int, str]] = {
    5: {5: "champions", 4: "champions", 3: "potential_loyalist", 2: "potential_loyalist", 1: "new"},
    4: {5: "loyal", 4: "loyal", 3: "potential_loyalist", 2: "potential_loyalist", 1: "promising"},
    3: {5: "loyal", 4: "loyal", 3: "need_attention", 2: "about_to_sleep", 1: "about_to_sleep"},
    2: {5: "cannot_lose", 4: "at_risk", 3: "at_risk", 2: "hibernating", 1: "hibernating"},
    1: {5: "cannot_lose", 4: "at_risk", 3: "at_risk", 2: "lost", 1: "lost"},
}
SEGMENTS = (
    "champions",
    "loyal",
    "potential_loyalist",
    "new",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cannot_lose",
    "hibernating",
    "lost",
)


def round_money(value: Decimal) -> Decimal:
    """The round_money macro: half away from zero to the cent (exact decimals)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def converted(amount: Decimal, rate: float) -> Decimal:
    """round_money(amount x rate) as the SQL computes it: a decimal times a double is a double, cast to
    numeric(38, 10), then rounded half away from zero to the cent."""
    return round_money(Decimal(float(amount) * rate).quantize(TEN_DECIMALS, rounding=ROUND_HALF_EVEN))


def order_net_revenue(accepted: dict[str, Accepted]) -> dict[str, tuple[str, date, Decimal]]:
    """Per revenue order: (customer, order day, net revenue in the reporting currency)."""
    statuses = load_categories()["order_status"]
    rates = fx_rates_by_day(accepted)
    gross: dict[str, Decimal] = {}
    for item in accepted["order_items"].rows.values():
        order_id = clean(item["order_id"]) or ""
        quantity = Decimal(parse_int(clean(item["quantity"])) or 0)
        line = round_money(quantity * (parse_number(clean(item["unit_price"])) or Decimal(0)))
        gross[order_id] = gross.get(order_id, Decimal(0)) + line
    orders: dict[str, tuple[str, date, Decimal]] = {}
    for (order_id,), order in accepted["orders"].rows.items():
        if statuses[label(order["status"]) or ""] in ("cancelled", "refunded"):
            continue
        day = parse_day(order["ordered_at"])
        net = Decimal(0)
        if order_id in gross:  # an order without an accepted line has zero amounts
            rate = fx_rate_to_reporting(rates, (clean(order["currency"]) or "").upper(), day)
            assert rate is not None, f"accepted order {order_id} has no fx rate"
            discount = parse_number(clean(order["discount_amount"])) or Decimal(0)
            net = converted(gross[order_id], rate) - converted(discount, rate)
        orders[order_id or ""] = (clean(order["customer_id"]) or "", day, net)
    return orders


def purchase_days(accepted: dict[str, Accepted]) -> dict[str, dict[date, Decimal]]:
    """Per customer: net revenue per purchase day (same-day revenue orders summed), every date."""
    days: dict[str, dict[date, Decimal]] = {}
    for customer, day, net in order_net_revenue(accepted).values():
        by_day = days.setdefault(customer, {})
        by_day[day] = by_day.get(day, Decimal(0)) + net
    return days


@dataclass
class Rfm:
    """One customer's RFM at one reference date."""

    last_purchase_date: date
    recency_days: int
    frequency: int
    monetary: Decimal
    recency_score: int = 0
    frequency_score: int = 0
    monetary_score: int = 0

    @property
    def frequency_monetary_score(self) -> int:
        return (self.frequency_score + self.monetary_score + 1) // 2

    @property
    def rfm_score(self) -> str:
        return f"{self.recency_score}{self.frequency_score}{self.monetary_score}"

    @property
    def rfm_total(self) -> int:
        return self.recency_score + self.frequency_score + self.monetary_score

    @property
    def segment(self) -> str:
        return SEGMENT_GRID[self.recency_score][self.frequency_monetary_score]


def quintile(worse_count: int, population: int) -> int:
    """1 + floor(5 x (r - 1) / n) with r = 1 + the customers with a strictly worse value."""
    return 1 + (5 * worse_count) // population


def rfm_at(days: dict[str, dict[date, Decimal]], reference: date) -> dict[str, Rfm]:
    """RFM of every customer with a purchase day on or before the reference date, scored among them."""
    found: dict[str, Rfm] = {}
    for customer, by_day in days.items():
        to_date = [day for day in by_day if day <= reference]
        if to_date:
            last = max(to_date)
            money = sum((by_day[day] for day in to_date), Decimal(0))
            found[customer] = Rfm(last, (reference - last).days, len(to_date), money)
    population = len(found)
    recencies = sorted(rfm.recency_days for rfm in found.values())
    frequencies = sorted(rfm.frequency for rfm in found.values())
    monies = sorted(rfm.monetary for rfm in found.values())
    for rfm in found.values():
        # worse = a longer recency, fewer purchase days, less money
        rfm.recency_score = quintile(population - bisect.bisect_right(recencies, rfm.recency_days), population)
        rfm.frequency_score = quintile(bisect.bisect_left(frequencies, rfm.frequency), population)
        rfm.monetary_score = quintile(bisect.bisect_left(monies, rfm.monetary), population)
    return found


@dataclass
class RfmMarts:
    as_of: date
    previous_as_of: date
    current: dict[str, Rfm]
    previous: dict[str, Rfm]

    def segment_counts(self) -> dict[str, tuple[int, Decimal]]:
        """Per segment (all 11): customers and revenue (sum of monetary)."""
        counts = {segment: (0, Decimal(0)) for segment in SEGMENTS}
        for rfm in self.current.values():
            customers, revenue = counts[rfm.segment]
            counts[rfm.segment] = (customers + 1, revenue + rfm.monetary)
        return counts

    def movements(self) -> Counter[tuple[str, str]]:
        """Customers per (previous segment or not_a_customer, current segment)."""
        return Counter(
            (self.previous[customer].segment if customer in self.previous else NOT_A_CUSTOMER, rfm.segment)
            for customer, rfm in self.current.items()
        )


def rfm_marts(accepted: dict[str, Accepted], movement_days: int = RFM_MOVEMENT_DAYS) -> RfmMarts:
    as_of = as_of_date(accepted)
    previous_as_of = as_of - timedelta(days=movement_days)
    days = purchase_days(accepted)
    return RfmMarts(as_of, previous_as_of, rfm_at(days, as_of), rfm_at(days, previous_as_of))
