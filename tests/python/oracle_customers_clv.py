"""Plain-Python references for the CLV area (test_customers_clv.py).

* ``calibration_inputs``: the BG/NBD inputs (frequency, recency and age in days, holdout purchase days) per
  customer and calibration, recomputed from the accepted raw orders: one purchase per customer-day (revenue
  orders: not cancelled or refunded, to the as-of date), as int_customer_clv_calibrations_summarised.
* ``bgnbd_log_likelihood`` / ``gamma_gamma_log_likelihood``: the two log-likelihoods written independently of
  the dbt Python model: BG/NBD as the two terms of each customer's likelihood in Fader, Hardie and Lee (2005,
  eq. 6) with Beta functions (B(a + 1, b + x - 1) rather than the model's a / (b + x - 1)), one customer at
  a time with math.lgamma; Gamma-Gamma as the density of the mean repeat spend, a scaled beta-prime
  distribution (x m / gamma ~ BetaPrime(p x, q)), through scipy.stats.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import yaml
from scipy import stats

from conftest import ROOT
from oracle import Accepted, clean, label, load_categories, parse_day
from oracle_sales_reps import as_of_date

PROJECT_VARS = yaml.safe_load((ROOT / "dbt_project.yml").read_text())["vars"]
HOLDOUT_DAYS = PROJECT_VARS["clv_holdout_days"]  # its default in dbt_project.yml; clv_calibration_end null


@dataclass(frozen=True)
class Inputs:
    frequency: int
    recency_days: int
    age_days: int
    holdout_purchase_days: int


def purchase_days(accepted: dict[str, Accepted], as_of: date) -> dict[str, list[date]]:
    """Per customer, the sorted distinct days with a revenue order on or before the as-of date."""
    categories = load_categories()["order_status"]
    days: dict[str, set[date]] = {}
    for order in accepted["orders"].rows.values():
        if categories[label(order["status"]) or ""] in ("cancelled", "refunded"):
            continue
        day = parse_day(order["ordered_at"])
        if day is not None and day <= as_of:
            days.setdefault(clean(order["customer_id"]) or "", set()).add(day)
    return {customer: sorted(found) for customer, found in days.items()}


def calibration_inputs(
    accepted: dict[str, Accepted], holdout_days: int = HOLDOUT_DAYS
) -> dict[tuple[str, str], Inputs]:
    """(calibration, customer) -> inputs, for 'as_of' (E = as-of date) and 'holdout' (E = as-of - holdout_days)."""
    as_of = as_of_date(accepted)
    ends = {"as_of": as_of, "holdout": as_of - timedelta(days=holdout_days)}
    found: dict[tuple[str, str], Inputs] = {}
    for customer, days in purchase_days(accepted, as_of).items():
        for calibration, end in ends.items():
            before = [day for day in days if day <= end]
            if not before:
                continue
            found[(calibration, customer)] = Inputs(
                frequency=len(before) - 1,
                recency_days=(before[-1] - before[0]).days,
                age_days=(end - before[0]).days,
                holdout_purchase_days=len(days) - len(before),
            )
    return found


def _log_beta(x: float, y: float) -> float:
    return math.lgamma(x) + math.lgamma(y) - math.lgamma(x + y)


def bgnbd_customer_log_likelihood(r: float, alpha: float, a: float, b: float, x: int, t_x: float, t: float) -> float:
    """log L(r, alpha, a, b | x, t_x, T) of one customer (FHL 2005, eq. 6):
    L = B(a, b + x) / B(a, b) * Gamma(r + x) alpha^r / (Gamma(r) (alpha + T)^(r + x))
      + [x > 0] B(a + 1, b + x - 1) / B(a, b) * Gamma(r + x) alpha^r / (Gamma(r) (alpha + t_x)^(r + x))."""
    poisson_gamma = math.lgamma(r + x) - math.lgamma(r) + r * math.log(alpha)
    alive = _log_beta(a, b + x) - _log_beta(a, b) + poisson_gamma - (r + x) * math.log(alpha + t)
    if x == 0:
        return alive
    dead = _log_beta(a + 1, b + x - 1) - _log_beta(a, b) + poisson_gamma - (r + x) * math.log(alpha + t_x)
    top = max(alive, dead)
    return top + math.log(math.exp(alive - top) + math.exp(dead - top))


def bgnbd_log_likelihood(
    r: float, alpha: float, a: float, b: float, customers: Iterable[tuple[int, float, float]]
) -> float:
    """Sum over customers (x, t_x, T), time in the unit of alpha."""
    return math.fsum(bgnbd_customer_log_likelihood(r, alpha, a, b, x, t_x, t) for x, t_x, t in customers)


def gamma_gamma_log_likelihood(p: float, q: float, gamma: float, customers: Iterable[tuple[int, float]]) -> float:
    """Sum over customers (x > 0, mean repeat spend m) of log f(m | p, q, gamma, x): with nu ~ Gamma(q, rate gamma)
    and the mean of x Gamma(p, rate nu) values ~ Gamma(p x, rate x nu), x m / gamma ~ BetaPrime(p x, q)."""
    rows = list(customers)
    x = np.array([row[0] for row in rows], dtype=float)
    m = np.array([row[1] for row in rows], dtype=float)
    return math.fsum(stats.betaprime.logpdf(m, p * x, q, scale=gamma / x).tolist())
