"""Plain-Python recomputation of the customer-value cohort and affinity marts, from the raw CSVs.

Builds on ``oracle.accept_all`` (the accepted rows), its fx helpers and the as-of rule of ``oracle_sales_reps``;
no SQL. The rules are the ones of DECISIONLOG.md, "Customer value: cohort retention, profitability and affinity":

- a purchase is a revenue order (status not cancelled or refunded) placed on or before the as-of date; its net
  revenue in the reporting currency is the order's gross (the lines' quantity x unit price, each rounded to the
  cent) converted at the order date's rate and rounded, minus its discount converted and rounded the same way
  (what the order lines of fct_order_items add up to); an order without lines is worth 0;
- a customer's cohort is the month of the first purchase; active in a month = a purchase in it; the grid runs
  from each cohort month to the as-of month;
- a basket is the set of distinct products on the lines of a purchase; an order without lines is no basket.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations

from oracle import Accepted, clean, fx_rates_by_day, label, load_categories, parse_day, parse_int, parse_number
from oracle_sales_reps import as_of_date, fx_rate_to_reporting

CENT = Decimal("0.01")
# round_money() casts to numeric(38, 10) before rounding to the cent
TEN_DECIMALS = Decimal("1e-10")
NOT_REVENUE = ("cancelled", "refunded")
# dbt_project.yml defaults
AFFINITY_MIN_SUPPORT = Decimal("0.001")
AFFINITY_MIN_PAIR_ORDERS = 10


def cents(amount: Decimal) -> Decimal:
    """Rounded half away from zero to the cent (round_money)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def converted(amount: Decimal, rate: float) -> Decimal:
    """amount x rate as the SQL computes it: a double product, cast to numeric(38, 10), rounded to the cent."""
    return cents(Decimal(float(amount) * rate).quantize(TEN_DECIMALS, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Purchase:
    """One revenue order placed on or before the as-of date."""

    order_id: str
    customer_id: str
    order_date: date
    net_revenue: Decimal  # reporting currency, to the cent
    products: frozenset[str]  # distinct products of its lines (empty: an order without lines)


def purchases(accepted: dict[str, Accepted], as_of: date | None = None) -> list[Purchase]:
    """The revenue orders to the as-of date with their net revenue (reporting currency) and products."""
    as_of = as_of or as_of_date(accepted)
    statuses = load_categories()["order_status"]
    rates = fx_rates_by_day(accepted)
    gross: dict[str, Decimal] = defaultdict(Decimal)
    products: dict[str, set[str]] = defaultdict(set)
    for item in accepted["order_items"].rows.values():
        order_id = clean(item["order_id"]) or ""
        quantity = Decimal(parse_int(clean(item["quantity"])) or 0)
        gross[order_id] += cents(quantity * (parse_number(clean(item["unit_price"])) or Decimal(0)))
        products[order_id].add(clean(item["product_id"]) or "")
    found = []
    for (order_id,), order in accepted["orders"].rows.items():
        day = parse_day(order["ordered_at"])
        if statuses[label(order["status"]) or ""] in NOT_REVENUE or day > as_of:
            continue
        net = Decimal(0)
        if order_id in products:
            rate = fx_rate_to_reporting(rates, (clean(order["currency"]) or "").upper(), day)
            assert rate is not None, f"accepted order {order_id} has no fx rate"
            discount = parse_number(clean(order["discount_amount"])) or Decimal(0)
            net = converted(gross[order_id], rate) - converted(discount, rate)
        found.append(Purchase(order_id, clean(order["customer_id"]) or "", day, net, frozenset(products[order_id])))
    return found


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


@dataclass
class CohortCell:
    """One cell of rpt_cohort_retention."""

    activity_month: date
    cohort_size: int
    active: int = 0
    revenue: Decimal = Decimal(0)


def cohort_retention(
    accepted: dict[str, Accepted], as_of: date | None = None, bought: list[Purchase] | None = None
) -> dict[tuple[date, int], CohortCell]:
    """Per (cohort month, months since): cohort size, active customers and net revenue, a dense grid from each
    cohort month to the as-of month. ``bought``: the purchases, when already computed."""
    as_of = as_of or as_of_date(accepted)
    bought = purchases(accepted, as_of) if bought is None else bought
    first: dict[str, date] = {}
    for purchase in bought:
        first[purchase.customer_id] = min(first.get(purchase.customer_id, purchase.order_date), purchase.order_date)
    cohort_of = {customer: day.replace(day=1) for customer, day in first.items()}
    sizes = Counter(cohort_of.values())
    as_of_month = as_of.replace(day=1)
    cells: dict[tuple[date, int], CohortCell] = {}
    for cohort, size in sizes.items():
        month = cohort
        while month <= as_of_month:
            cells[(cohort, months_between(cohort, month))] = CohortCell(month, size)
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    active: dict[tuple[date, int], set[str]] = defaultdict(set)
    for purchase in bought:
        cohort = cohort_of[purchase.customer_id]
        key = (cohort, months_between(cohort, purchase.order_date.replace(day=1)))
        active[key].add(purchase.customer_id)
        cells[key].revenue += purchase.net_revenue
    for key, customers in active.items():
        cells[key].active = len(customers)
    return cells


@dataclass
class Baskets:
    """The pair counts of rpt_product_affinity, before its thresholds."""

    total_orders: int
    product_orders: Counter[str]
    pair_orders: Counter[tuple[str, str]]  # (product_a_id, product_b_id), a < b

    def kept(
        self, min_support: Decimal = AFFINITY_MIN_SUPPORT, min_pair_orders: int = AFFINITY_MIN_PAIR_ORDERS
    ) -> dict[tuple[str, str], int]:
        """The pairs the mart keeps: support >= min_support and at least min_pair_orders orders, compared exactly."""
        return {
            pair: count
            for pair, count in self.pair_orders.items()
            if count >= min_pair_orders and Decimal(count) >= min_support * self.total_orders
        }


def baskets(accepted: dict[str, Accepted], as_of: date | None = None, bought: list[Purchase] | None = None) -> Baskets:
    """Orders with each product and with each pair of products, over the baskets of the purchases to the as-of
    date (orders without lines are no basket). ``bought``: the purchases, when already computed."""
    bought = purchases(accepted, as_of) if bought is None else bought
    found = [purchase.products for purchase in bought if purchase.products]
    product_orders: Counter[str] = Counter()
    pair_orders: Counter[tuple[str, str]] = Counter()
    for products in found:
        product_orders.update(products)
        pair_orders.update(combinations(sorted(products), 2))
    return Baskets(len(found), product_orders, pair_orders)
