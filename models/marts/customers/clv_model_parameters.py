"""clv_model_parameters: the BG/NBD and Gamma-Gamma fits, one row per calibration ('as_of', 'holdout').

BG/NBD (Fader, Hardie and Lee 2005, "Counting your customers the easy way"): while alive a customer buys
as a Poisson process of rate lambda ~ Gamma(r, alpha); after each purchase they drop out with probability
p ~ Beta(a, b). Gamma-Gamma (Fader, Hardie and Lee 2005, "RFM and CLV: using iso-value curves"): a
customer's purchase values are Gamma(p, nu) with nu ~ Gamma(q, gamma), fitted on the mean value of the
repeat purchases of the customers with at least one repeat purchase.

Inputs (int_customer_clv_calibrations_summarised): per customer and calibration, frequency x (repeat
purchase days), recency t_x and age T in days, divided here by 7.0: time is in weeks (alpha in weeks, a
purchase rate lambda per week). Maximum likelihood with scipy.optimize.minimize (Nelder-Mead, fixed
starting point, no randomness) over the logs of the parameters. Self-contained: a dbt Python model cannot
import project modules.
"""

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import gammaln

DAYS_PER_WEEK = 7.0
OPTIONS = {"xatol": 1e-10, "fatol": 1e-12, "maxiter": 40000, "maxfev": 80000}


def bgnbd_log_likelihood(params, x, t_x, big_t):
    """Sum of the BG/NBD log-likelihoods; the two terms of each customer's likelihood added in log space."""
    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + big_t)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + t_x), -np.inf)
    return float(np.sum(a1 + a2 + np.logaddexp(a3, a4)))


def gamma_gamma_log_likelihood(params, x, m):
    """Sum of the Gamma-Gamma log-likelihoods of the mean repeat value m of x repeat purchases (x > 0)."""
    p, q, gamma = params
    px = p * x
    return float(
        np.sum(
            gammaln(px + q)
            - gammaln(px)
            - gammaln(q)
            + q * np.log(gamma)
            + (px - 1) * np.log(m)
            + px * np.log(x)
            - (px + q) * np.log(gamma + m * x)
        )
    )


def fit(log_likelihood, start, data):
    """Maximum likelihood over the logs of the parameters; (parameters, log-likelihood, converged)."""
    count = len(data[0])

    def objective(log_params):
        value = log_likelihood(np.exp(log_params), *data)
        return -value / count if np.isfinite(value) else np.inf

    result = minimize(objective, np.log(np.asarray(start, dtype=float)), method="Nelder-Mead", options=OPTIONS)
    params = np.exp(result.x)
    return params, log_likelihood(params, *data), bool(result.success)


def fit_calibration(frame):
    x = frame["frequency"].to_numpy(dtype=float)
    t_x = frame["recency_days"].to_numpy(dtype=float) / DAYS_PER_WEEK
    big_t = frame["age_days"].to_numpy(dtype=float) / DAYS_PER_WEEK
    row = {"customers_fitted": len(frame)}
    nan4 = [np.nan] * 4
    if len(frame) >= 2:
        (r, alpha, a, b), ll_bgnbd, ok_bgnbd = fit(bgnbd_log_likelihood, [1.0, 1.0, 1.0, 1.0], (x, t_x, big_t))
    else:
        (r, alpha, a, b), ll_bgnbd, ok_bgnbd = nan4, np.nan, False
    repeat = x > 0
    m = frame["monetary_value_reporting"].to_numpy(dtype=float)[repeat]
    row["customers_with_repeats"] = int(repeat.sum())
    if repeat.sum() >= 2 and np.all(m > 0):
        (p, q, gamma), ll_gg, ok_gg = fit(gamma_gamma_log_likelihood, [1.0, 2.0, float(np.mean(m))], (x[repeat], m))
    else:
        (p, q, gamma), ll_gg, ok_gg = [np.nan] * 3, np.nan, False
    row.update(
        r=r,
        alpha=alpha,
        a=a,
        b=b,
        p=p,
        q=q,
        gamma=gamma,
        bgnbd_log_likelihood=ll_bgnbd,
        gamma_gamma_log_likelihood=ll_gg,
        is_bgnbd_converged=ok_bgnbd,
        is_gamma_gamma_converged=ok_gg,
    )
    return row


def model(dbt, session):
    dbt.config(materialized="table")
    inputs = dbt.ref("int_customer_clv_calibrations_summarised").df()
    currency = dbt.config.get("meta", {}).get("reporting_currency", "USD")
    rows = []
    for calibration in ("as_of", "holdout"):
        frame = inputs[inputs["calibration"] == calibration].sort_values("customer_id", kind="stable")
        row = {"calibration": calibration}
        row["calibration_end_date"] = frame["calibration_end_date"].iloc[0] if len(frame) else pd.NaT
        row["time_unit"] = "week"
        row["currency_code"] = currency
        row.update(fit_calibration(frame))
        rows.append(row)
    columns = [
        "calibration",
        "calibration_end_date",
        "time_unit",
        "r",
        "alpha",
        "a",
        "b",
        "currency_code",
        "p",
        "q",
        "gamma",
        "bgnbd_log_likelihood",
        "gamma_gamma_log_likelihood",
        "customers_fitted",
        "customers_with_repeats",
        "is_bgnbd_converged",
        "is_gamma_gamma_converged",
    ]
    result = pd.DataFrame(rows)[columns]
    result["calibration_end_date"] = pd.to_datetime(result["calibration_end_date"]).dt.date
    return result
