"""int_customer_clv_predictions_scored: BG/NBD and Gamma-Gamma predictions per customer per calibration.

At the parameters of clv_model_parameters (time in weeks), for each customer fitted in a calibration with
calibration end E (frequency x, recency t_x, age T):

* expected purchases in the next t weeks, the BG/NBD conditional expectation (Fader, Hardie and Lee 2005,
  eq. 10):
  E[Y(t) | x, t_x, T] = (a + b + x - 1) / (a - 1)
      * (1 - ((alpha + T) / (alpha + T + t))^(r + x) * 2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t)))
      / (1 + [x > 0] * a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x)),
  over the horizon (var clv_horizon_days) and over the holdout window (E, as-of date];
* probability alive at E: 1 / (1 + [x > 0] * a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x));
* expected average spend, the Gamma-Gamma conditional expectation p (gamma + x m) / (p x + q - 1), for x = 0
  the population mean p gamma / (q - 1);
* discounted expected purchases over the horizon: the horizon cut into K = max(1, round(horizon_days * 12 /
  365)) equal steps (monthly for 365 days), the expected purchases of step k = E[Y(t_k)] - E[Y(t_(k-1))],
  discounted at the end of the step by (1 + annual rate)^(-t_k_days / 365) (var clv_annual_discount_rate).
  fct_customer_clv multiplies it by the expected spend and the margin share.
"""

import numpy as np
import pandas as pd
from scipy.special import hyp2f1

DAYS_PER_WEEK = 7.0
DAYS_PER_YEAR = 365.0


def expected_purchases(t, x, t_x, big_t, r, alpha, a, b):
    """BG/NBD E[Y(t) | x, t_x, T] (t, t_x, T in weeks)."""
    z = t / (alpha + big_t + t)
    head = (a + b + x - 1) / (a - 1)
    tail = 1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
    return head * tail / (1 + odds_dead(x, t_x, big_t, r, alpha, a, b))


def odds_dead(x, t_x, big_t, r, alpha, a, b):
    """[x > 0] * a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x), computed in log space."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_odds = (
            np.log(a) - np.log(b + np.maximum(x, 1) - 1) + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x))
        )
    return np.where(x > 0, np.exp(log_odds), 0.0)


def score(frame, params, horizon_days, annual_rate):
    r, alpha, a, b = (float(params[name]) for name in ("r", "alpha", "a", "b"))
    p, q, gamma = (float(params[name]) for name in ("p", "q", "gamma"))
    x = frame["frequency"].to_numpy(dtype=float)
    t_x = frame["recency_days"].to_numpy(dtype=float) / DAYS_PER_WEEK
    big_t = frame["age_days"].to_numpy(dtype=float) / DAYS_PER_WEEK
    m = frame["monetary_value_reporting"].to_numpy(dtype=float)
    bgnbd = (x, t_x, big_t, r, alpha, a, b)

    def purchases(days):
        return expected_purchases(np.full(len(x), days / DAYS_PER_WEEK), *bgnbd) if days > 0 else np.zeros(len(x))

    steps = max(1, round(horizon_days * 12 / DAYS_PER_YEAR))
    step_days = horizon_days / steps
    discounted = np.zeros(len(x))
    previous = np.zeros(len(x))
    for k in range(1, steps + 1):
        current = purchases(k * step_days)
        discounted += (current - previous) / (1 + annual_rate) ** (k * step_days / DAYS_PER_YEAR)
        previous = current
    holdout_weeks = frame["holdout_days"].to_numpy(dtype=float) / DAYS_PER_WEEK
    holdout = np.where(holdout_weeks > 0, expected_purchases(np.maximum(holdout_weeks, 1e-12), *bgnbd), 0.0)
    population_spend = p * gamma / (q - 1) if q > 1 else np.nan
    with np.errstate(invalid="ignore"):
        spend = np.where(x > 0, p * (gamma + x * np.nan_to_num(m)) / (p * x + q - 1), population_spend)
    return pd.DataFrame(
        {
            "calibration": frame["calibration"].to_numpy(),
            "customer_id": frame["customer_id"].to_numpy(),
            "calibration_end_date": frame["calibration_end_date"].to_numpy(),
            "frequency": frame["frequency"].to_numpy(),
            "probability_alive": 1 / (1 + odds_dead(*bgnbd)),
            "expected_purchases_horizon": previous,
            "discounted_expected_purchases_horizon": discounted,
            "expected_average_spend_reporting": spend,
            "holdout_days": frame["holdout_days"].to_numpy(),
            "expected_purchases_holdout": holdout,
            "holdout_purchase_days": frame["holdout_purchase_days"].to_numpy(),
        }
    )


def model(dbt, session):
    dbt.config(materialized="table")
    meta = dbt.config.get("meta", {})
    horizon_days = float(meta.get("clv_horizon_days", 365))
    annual_rate = float(meta.get("clv_annual_discount_rate", 0.10))
    inputs = dbt.ref("int_customer_clv_calibrations_summarised").df()
    parameters = dbt.ref("clv_model_parameters").df()
    frames = []
    for _, params in parameters.sort_values("calibration").iterrows():
        frame = inputs[inputs["calibration"] == params["calibration"]].sort_values("customer_id", kind="stable")
        frames.append(score(frame, params, horizon_days, annual_rate))
    result = pd.concat(frames, ignore_index=True)
    result["calibration_end_date"] = pd.to_datetime(result["calibration_end_date"]).dt.date
    # a fit that failed (too few customers) leaves NaN, stored as null; never an infinite value
    return result.replace([np.inf, -np.inf], np.nan)
