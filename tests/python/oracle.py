"""An independent Python re-implementation of the staging rules, for oracle tests.

It reads the raw CSV exports as text and decides, row by row, what staging must
accept, without any SQL: timestamp formats are parsed with ``datetime``,
categories looked up in the seed CSV, duplicates resolved and references
checked in plain Python. The tests compare what it computes with what dbt built.
The rules are the ones written in DECISIONLOG.md and each base model's yml.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from crmwh.contract import TABLES_BY_NAME

ROOT = Path(__file__).resolve().parents[2]
LOOKUPS = ROOT / "seeds" / "lookups"

# dbt seed (agate) reads these cell values as NULL; files read in place keep only '' as NULL.
SEED_NULLS = {"", "na", "n/a", "none", "null", "."}

Row = dict[str, str | None]

# --- value rules --------------------------------------------------------------------------

_ZONE = re.compile(r"\s*(Z|UTC|[+-]\d{2}:?\d{2})$")
_TIME = r"(?: (\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?"
_LAYOUTS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + "$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})" + _TIME + "$"), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})" + _TIME + "$"), ("m", "d", "y")),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})" + _TIME + "$"), ("y", "m", "d")),
)


def parse_ts(value: str | None) -> datetime | None:
    """UTC datetime of an accepted timestamp text, else None."""
    if value is None:
        return None
    text = value.strip(" ")
    offset = 0
    zone = _ZONE.search(text)
    if zone:
        designator = zone.group(1)
        if designator not in ("Z", "UTC"):
            digits = designator.replace(":", "")
            sign = -1 if digits[0] == "-" else 1
            offset = sign * (int(digits[1:3]) * 60 + int(digits[3:5]))
        text = text[: zone.start()]
    text = text.replace("T", " ")
    for pattern, order in _LAYOUTS:
        match = pattern.match(text)
        if not match:
            continue
        parts = dict(zip(order, match.groups()[:3], strict=True))
        hour, minute, second, fraction = match.groups()[3:]
        try:
            moment = datetime(
                int(parts["y"]),
                int(parts["m"]),
                int(parts["d"]),
                int(hour or 0),
                int(minute or 0),
                int(second or 0),
                int((fraction or "0").ljust(6, "0")),
            )
        except ValueError:
            return None
        return moment - timedelta(minutes=offset)
    return None


def parse_day(value: str | None) -> date | None:
    moment = parse_ts(value)
    return moment.date() if moment else None


_NUMBER = re.compile(r"^[+-]?\d{1,15}(\.\d{1,6})?$")
_RATE = re.compile(r"^[+-]?\d{1,15}(\.\d{1,12})?$")  # fx rates keep 12 decimals
_INTEGER = re.compile(r"^[+-]?\d{1,9}$")


def parse_number(value: str | None, pattern: re.Pattern[str] = _NUMBER) -> Decimal | None:
    if value is None or not pattern.match(value.strip(" ")):
        return None
    return Decimal(value.strip(" "))


def parse_int(value: str | None) -> int | None:
    if value is None or not _INTEGER.match(value.strip(" ")):
        return None
    return int(value.strip(" "))


def clean(value: str | None) -> str | None:
    if value is None:
        return None
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", value).strip(" "))
    return text or None


def label(value: str | None) -> str | None:
    if value is None:
        return None
    text = re.sub(r"[\s_-]+", "_", unicodedata.normalize("NFC", value).strip(" ").lower())
    return text or None


def fingerprint(row: Row, columns: list[str]) -> str:
    return hashlib.md5("|".join(row[c] or "" for c in columns).encode()).hexdigest()


def load_categories() -> dict[str, dict[str, str]]:
    mapping: dict[str, dict[str, str]] = {}
    with (LOOKUPS / "category_synonyms.csv").open(encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            mapping.setdefault(record["domain"], {})[label(record["synonym"]) or ""] = record["canonical_value"]
    return mapping


def load_currencies() -> set[str]:
    with (LOOKUPS / "currencies.csv").open(encoding="utf-8") as handle:
        return {record["currency_code"] for record in csv.DictReader(handle)}


def read_raw(folder: Path, table: str, seed_nulls: bool = True) -> list[Row]:
    """The raw rows as dbt sees them: every value text, NULL for an empty cell (and seed null tokens)."""
    nulls = SEED_NULLS if seed_nulls else {""}
    with (folder / f"raw_{table}.csv").open(encoding="utf-8", newline="") as handle:
        return [
            {key: (None if value.lower() in nulls else value) for key, value in record.items()}
            for record in csv.DictReader(handle)
        ]


# --- table rules --------------------------------------------------------------------------


@dataclass
class Rules:
    """What staging checks on one raw table (see the base model's yml)."""

    key: tuple[str, ...]
    newest: str | None  # dedupe: the latest value of this timestamp wins; None = fingerprint only
    required_ts: tuple[str, ...] = ()
    optional_ts: tuple[str, ...] = ()
    categories: dict[str, tuple[str, bool]] = field(default_factory=dict)  # column -> (domain, required)
    currency: str | None = None
    extra: Callable[[Row], bool] | None = None  # further single-row rule; False = rejected
    parents: dict[str, tuple[str, bool]] = field(default_factory=dict)  # fk column -> (table, required)
    before_customer: str | None = None  # event column compared with the customer's created_at
    customer_by_date: bool = False  # compare before_customer as calendar dates
    date_keys: tuple[str, ...] = ()  # key columns compared as parsed dates
    label_keys: tuple[str, ...] = ()  # key columns compared as normalised labels
    upper_keys: tuple[str, ...] = ()  # key columns compared in upper case (currency codes)
    fx_date: str | None = None  # the row's currency must convert to the reporting currency on this day


def _num(row: Row, column: str, required: bool = True, minimum: Decimal | None = Decimal(0)) -> bool:
    raw = clean(row[column])
    if raw is None:
        return not required
    value = parse_number(raw)
    return value is not None and (minimum is None or value >= minimum)


def _int(row: Row, column: str, required: bool = True, minimum: int | None = 0) -> bool:
    raw = clean(row[column])
    if raw is None:
        return not required
    value = parse_int(raw)
    return value is not None and (minimum is None or value >= minimum)


def _bool(row: Row, column: str, required: bool = True) -> bool:
    raw = clean(row[column])
    if raw is None:
        return not required
    return raw.lower() in {"true", "t", "yes", "y", "1", "false", "f", "no", "n", "0"}


def _not_before(row: Row, later: str, earlier: str) -> bool:
    a, b = parse_ts(row[later]), parse_ts(row[earlier])
    return a is None or b is None or a >= b


def _survey_score(row: Row) -> bool:
    kind = label(row["survey_type"])
    score = parse_int(clean(row["score"]))
    if score is None:
        return False
    if kind == "nps":
        low, high = 0, 10
    elif kind == "csat":
        low, high = 1, 5
    else:
        folded = re.sub("[\u2013\u2014]", "-", re.sub(r"\s+", "", unicodedata.normalize("NFC", row["ces_scale"] or "")))
        scale = re.match(r"^(\d{1,2})-(\d{1,2})$", folded)
        if not scale or int(scale.group(1)) >= int(scale.group(2)):
            return False
        low, high = int(scale.group(1)), int(scale.group(2))
    return low <= score <= high


def _loyalty(row: Row) -> bool:
    points = parse_int(clean(row["points"]))
    kind = label(row["txn_type"])
    if points is None:
        return False
    return not ((kind == "earn" and points < 0) or (kind in ("redeem", "expire") and points > 0))


RULES: dict[str, Rules] = {
    "sales_reps": Rules(
        ("rep_id",),
        "updated_at",
        ("updated_at",),
        ("hire_date",),
        {"region": ("rep_region", True), "status": ("rep_status", True)},
        parents={"manager_rep_id": ("sales_reps", False)},
    ),
    "customers": Rules(
        ("customer_id",),
        "updated_at",
        ("created_at", "updated_at"),
        ("birth_date",),
        {"customer_type": ("customer_type", True), "segment": ("customer_segment", False), "gender": ("gender", False)},
        parents={"owner_rep_id": ("sales_reps", False)},
    ),
    "products": Rules(
        ("product_id",),
        "updated_at",
        ("updated_at",),
        ("launched_at",),
        currency="currency",
        extra=lambda r: _num(r, "list_price") and _num(r, "unit_cost", required=False) and _bool(r, "is_subscription"),
    ),
    "fx_rates": Rules(
        ("currency", "rate_date"),
        None,
        ("rate_date",),
        currency="currency",
        extra=lambda r: (parse_number(clean(r["rate_to_usd"]), _RATE) or 0) > 0,
        date_keys=("rate_date",),
        upper_keys=("currency",),
    ),
    "quotas": Rules(
        ("rep_id", "quota_month"),
        "updated_at",
        ("quota_month", "updated_at"),
        currency="currency",
        extra=lambda r: _num(r, "quota_amount") and parse_day(r["quota_month"]).day == 1,
        parents={"rep_id": ("sales_reps", True)},
        date_keys=("quota_month",),
    ),
    "campaigns": Rules(
        ("campaign_id",),
        "updated_at",
        ("updated_at", "start_date"),
        ("end_date",),
        {"objective": ("campaign_objective", True)},
        currency="currency",
        extra=lambda r: _num(r, "budget") and _not_before(r, "end_date", "start_date"),
    ),
    "leads": Rules(
        ("lead_id",),
        "updated_at",
        ("created_at", "updated_at"),
        ("last_contacted_at", "converted_at"),
        {"status": ("lead_status", True)},
        parents={
            "campaign_id": ("campaigns", False),
            "owner_rep_id": ("sales_reps", False),
            "converted_customer_id": ("customers", False),
        },
    ),
    "opportunities": Rules(
        ("opportunity_id",),
        "updated_at",
        ("created_at", "updated_at"),
        ("expected_close_date", "actual_close_date"),
        {"stage": ("opportunity_stage", True)},
        currency="currency",
        extra=lambda r: (
            _num(r, "amount")
            and _num(r, "stage_probability", required=False)
            and (parse_number(clean(r["stage_probability"])) or 0) <= 100
        ),
        parents={
            "customer_id": ("customers", False),
            "lead_id": ("leads", False),
            "owner_rep_id": ("sales_reps", False),
            "product_id": ("products", False),
        },
    ),
    "opportunity_stage_history": Rules(
        ("stage_history_id",),
        "entered_at",
        ("entered_at",),
        categories={"stage": ("opportunity_stage", True)},
        parents={"opportunity_id": ("opportunities", True), "changed_by_rep_id": ("sales_reps", False)},
    ),
    "web_sessions": Rules(
        ("session_id",),
        "started_at",
        ("started_at",),
        categories={"device": ("device", False)},
        extra=lambda r: _int(r, "pageviews", required=False) and _int(r, "duration_seconds", required=False),
        parents={"customer_id": ("customers", False), "campaign_id": ("campaigns", False), "lead_id": ("leads", False)},
        before_customer="started_at",
    ),
    "activities": Rules(
        ("activity_id",),
        "created_at",
        ("created_at",),
        ("scheduled_at", "completed_at"),
        {"activity_type": ("activity_type", True)},
        parents={
            "rep_id": ("sales_reps", True),
            "lead_id": ("leads", False),
            "customer_id": ("customers", False),
            "opportunity_id": ("opportunities", False),
        },
        before_customer="created_at",
    ),
    "crm_logins": Rules(
        ("login_id",),
        "logged_in_at",
        ("logged_in_at",),
        categories={"client": ("login_client", True)},
        parents={"rep_id": ("sales_reps", True)},
    ),
    "lead_pool_events": Rules(
        ("pool_event_id",),
        "event_at",
        ("event_at",),
        categories={"event_type": ("pool_event_type", True)},
        parents={"lead_id": ("leads", True), "rep_id": ("sales_reps", False)},
    ),
    "orders": Rules(
        ("order_id",),
        "updated_at",
        ("ordered_at", "updated_at"),
        categories={"status": ("order_status", True), "channel": ("order_channel", False)},
        currency="currency",
        extra=lambda r: _num(r, "discount_amount", required=False),
        parents={"customer_id": ("customers", True), "sales_rep_id": ("sales_reps", False)},
        before_customer="ordered_at",
        fx_date="ordered_at",
    ),
    "order_items": Rules(
        ("order_item_id",),
        None,
        extra=lambda r: _int(r, "quantity", minimum=1) and _num(r, "unit_price"),
        parents={"order_id": ("orders", True), "product_id": ("products", True)},
    ),
}

RULES.update(
    {
        "subscriptions": Rules(
            ("subscription_id",),
            "updated_at",
            ("contract_start_date", "updated_at"),
            ("contract_end_date", "cancelled_at"),
            {"plan": ("subscription_plan", True), "status": ("subscription_status", True)},
            currency="currency",
            extra=lambda r: (
                _num(r, "mrr")
                and (
                    parse_day(r["contract_end_date"]) is None
                    or parse_day(r["contract_end_date"]) >= parse_day(r["contract_start_date"])
                )
            ),
            parents={
                "customer_id": ("customers", True),
                "product_id": ("products", True),
                "renewal_of_subscription_id": ("subscriptions", False),
            },
            before_customer="contract_start_date",
            customer_by_date=True,
        ),
        "support_tickets": Rules(
            ("ticket_id",),
            "updated_at",
            ("created_at", "updated_at"),
            ("first_response_at", "resolved_at"),
            {
                "channel": ("ticket_channel", False),
                "priority": ("ticket_priority", True),
                "status": ("ticket_status", True),
            },
            extra=lambda r: (
                _not_before(r, "first_response_at", "created_at")
                and _not_before(r, "resolved_at", "created_at")
                and _int(r, "reopened_count", required=False)
                and _bool(r, "is_escalated", required=False)
            ),
            parents={
                "customer_id": ("customers", True),
                "product_id": ("products", False),
                "assignee_rep_id": ("sales_reps", False),
            },
            before_customer="created_at",
        ),
        "survey_responses": Rules(
            ("response_id",),
            "responded_at",
            ("responded_at",),
            categories={"survey_type": ("survey_type", True)},
            extra=_survey_score,
            parents={"customer_id": ("customers", True), "ticket_id": ("support_tickets", False)},
            before_customer="responded_at",
        ),
        "marketing_spend": Rules(
            ("campaign_id", "channel", "spend_date"),
            None,
            ("spend_date",),
            currency="currency",
            extra=lambda r: _num(r, "amount"),
            parents={"campaign_id": ("campaigns", True)},
            date_keys=("spend_date",),
            label_keys=("channel",),
        ),
        "email_events": Rules(
            ("event_id",),
            "event_at",
            ("event_at",),
            categories={"event_type": ("email_event_type", True)},
            parents={"campaign_id": ("campaigns", True), "customer_id": ("customers", False)},
        ),
        "loyalty_points": Rules(
            ("points_txn_id",),
            "txn_at",
            ("txn_at",),
            categories={"txn_type": ("loyalty_txn_type", True)},
            extra=_loyalty,
            parents={"customer_id": ("customers", True), "order_id": ("orders", False)},
            before_customer="txn_at",
        ),
    }
)

# Dependency order for the reference checks.
ORDER = (
    "sales_reps",
    "customers",
    "products",
    "fx_rates",
    "quotas",
    "campaigns",
    "leads",
    "opportunities",
    "opportunity_stage_history",
    "web_sessions",
    "activities",
    "crm_logins",
    "lead_pool_events",
    "orders",
    "order_items",
    "subscriptions",
    "support_tickets",
    "survey_responses",
    "marketing_spend",
    "email_events",
    "loyalty_points",
)


@dataclass
class Accepted:
    """The accepted rows of one table, by natural key."""

    rows: dict[tuple[str | None, ...], Row]


def accept(table: str, raw: list[Row], accepted: dict[str, Accepted]) -> Accepted:
    """Apply the rules of one table; parents must already be in ``accepted``."""
    rules = RULES[table]
    columns = TABLES_BY_NAME[table].column_names
    categories = load_categories()
    currencies = load_currencies()
    valid: list[Row] = []
    for row in raw:
        if any(clean(row[k]) is None for k in rules.key):
            continue
        if any(parse_ts(row[c]) is None for c in rules.required_ts):
            continue
        if any(clean(row[c]) is not None and parse_ts(row[c]) is None for c in rules.optional_ts):
            continue
        if rules.currency and (clean(row[rules.currency]) or "").upper() not in currencies:
            continue
        ok = True
        for column, (domain, required) in rules.categories.items():
            value = label(row[column])
            if (value is None and required) or (value is not None and value not in categories.get(domain, {})):
                ok = False
        if not ok or (rules.extra and not rules.extra(row)):
            continue
        valid.append(row)
    # dedupe: latest `newest` first, then the larger fingerprint
    best: dict[tuple[str | None, ...], tuple[tuple, Row]] = {}
    for row in valid:
        key = tuple(
            str(parse_day(row[k]))
            if k in rules.date_keys
            else (clean(row[k]) or "").upper()
            if k in rules.upper_keys
            else label(row[k])
            if k in rules.label_keys
            else clean(row[k])
            for k in rules.key
        )
        rank = (parse_ts(row[rules.newest]) if rules.newest else datetime.min, fingerprint(row, columns))
        if key not in best or rank > best[key][0]:
            best[key] = (rank, row)
    survivors = {key: row for key, (_, row) in best.items()}
    # references to accepted parents; a self-reference must point at a row that is itself
    # accepted, so the check repeats until nothing more is rejected
    result: dict[tuple[str | None, ...], Row] = dict(survivors)
    rates = fx_rates_by_day(accepted) if rules.fx_date else {}
    while True:
        kept = {
            key: row
            for key, row in result.items()
            if _references_hold(rules, table, row, result, accepted)
            and (not rules.fx_date or fx_rate(rates, _currency(row), parse_day(row[rules.fx_date])) is not None)
        }
        if len(kept) == len(result):
            return Accepted(_rooted(rules, table, kept))
        result = kept


def _rooted(rules: Rules, table: str, rows: dict[tuple[str | None, ...], Row]) -> dict[tuple[str | None, ...], Row]:
    """Drop rows whose self-reference chain never reaches a row without one (a cycle: A renews B renews A)."""
    for column in [c for c, (parent, _) in rules.parents.items() if parent == table]:
        rooted: dict[tuple[str | None, ...], bool] = {}
        for start in rows:
            path, key = [], start
            while key not in rooted and key not in path:
                path.append(key)
                parent = clean(rows[key][column])
                if parent is None:
                    rooted[key] = True
                    path.pop()
                    break
                key = (parent,)
            ok = rooted.get(key, False) if key not in path else False
            for seen in path:
                rooted[seen] = ok
        rows = {key: row for key, row in rows.items() if rooted[key]}
    return rows


def _references_hold(rules: Rules, table: str, row: Row, current: dict, accepted: dict[str, Accepted]) -> bool:
    for column, (parent, required) in rules.parents.items():
        value = clean(row[column])
        if value is None:
            if required:
                return False
            continue
        pool = current if parent == table else accepted[parent].rows
        if (value,) not in pool:
            return False
    if rules.before_customer and clean(row["customer_id"]) is not None:
        customer = accepted["customers"].rows[(clean(row["customer_id"]),)]
        event, created = parse_ts(row[rules.before_customer]), parse_ts(customer["created_at"])
        if rules.customer_by_date:
            return event.date() >= created.date()
        return event >= created
    return True


def accept_all(folder: Path, seed_nulls: bool = True, tables: Iterable[str] | None = None) -> dict[str, Accepted]:
    """The accepted rows of every raw table, or of `tables` only (their parents must be among them: a missing
    parent fails with a KeyError)."""
    wanted = set(ORDER if tables is None else tables)
    accepted: dict[str, Accepted] = {}
    for table in ORDER:
        if table in wanted:
            accepted[table] = accept(table, read_raw(folder, table, seed_nulls), accepted)
    return accepted


# fx: the rule of DECISIONLOG.md ("Missing fx rates"), written out again without SQL.
REPORTING_CURRENCY = "USD"  # dbt var reporting_currency (its default)
FX_RATE_MAX_STALENESS_DAYS = 7  # dbt var fx_rate_max_staleness_days (its default)


def _currency(row: Row) -> str:
    return (clean(row["currency"]) or "").upper()


def fx_rates_by_day(accepted: dict[str, Accepted]) -> dict[tuple[str, date], Decimal]:
    """Accepted rates to USD by (currency, day)."""
    return {
        ((clean(r["currency"]) or "").upper(), parse_day(r["rate_date"])): parse_number(clean(r["rate_to_usd"]), _RATE)
        for r in accepted["fx_rates"].rows.values()
    }


def rate_to_usd(
    rates: dict[tuple[str, date], Decimal], currency: str, day: date, max_days: int = FX_RATE_MAX_STALENESS_DAYS
) -> Decimal | None:
    """The currency's rate to USD on the day: that day's quote or the latest of the max_days days before it.

    USD is its own base: its quote of the day, else 1. None when there is no fresh quote.
    """
    if currency == "USD":
        return rates.get(("USD", day), Decimal(1))
    for back in range(max_days + 1):
        found = rates.get((currency, day - timedelta(days=back)))
        if found is not None:
            return found
    return None


def fx_rate(
    rates: dict[tuple[str, date], Decimal],
    currency: str,
    day: date,
    reporting: str = REPORTING_CURRENCY,
    max_days: int = FX_RATE_MAX_STALENESS_DAYS,
) -> Decimal | None:
    """Rate of the currency into the reporting currency on the day; exactly 1 for the reporting currency itself,
    None when either side has no fresh rate (staging then rejects the order as missing_fx_rate)."""
    if currency == reporting:
        return Decimal(1)
    source, target = rate_to_usd(rates, currency, day, max_days), rate_to_usd(rates, reporting, day, max_days)
    if source is None or target is None:
        return None
    return source / target


def customer_figures(accepted: dict[str, Accepted]) -> dict[str, tuple[int, Decimal, int]]:
    """Per customer: (revenue orders, net revenue in USD, order lines). Net = items - discount, revenue orders only.

    Unrounded: the marts round each order line to the cent, so a customer's total may differ by up
    to a cent per line (the third figure says how many lines).
    """
    categories = load_categories()["order_status"]
    rates = fx_rates_by_day(accepted)
    gross: dict[str, Decimal] = {}
    lines: dict[str, int] = {}
    for item in accepted["order_items"].rows.values():
        order_id = clean(item["order_id"]) or ""
        line = Decimal(parse_int(clean(item["quantity"])) or 0) * (
            parse_number(clean(item["unit_price"])) or Decimal(0)
        )
        gross[order_id] = gross.get(order_id, Decimal(0)) + line
        lines[order_id] = lines.get(order_id, 0) + 1
    figures: dict[str, tuple[int, Decimal, int]] = {}
    for (order_id,), order in accepted["orders"].rows.items():
        status = categories[label(order["status"]) or ""]
        if status in ("cancelled", "refunded"):
            continue
        customer = clean(order["customer_id"]) or ""
        discount = parse_number(clean(order["discount_amount"])) or Decimal(0)
        day = parse_day(order["ordered_at"])
        rate = fx_rate(rates, _currency(order), day)
        assert rate is not None, f"accepted order {order_id} has no fx rate"
        net = (gross.get(order_id or "", Decimal(0)) - discount) * rate
        count, total, line_count = figures.get(customer, (0, Decimal(0), 0))
        figures[customer] = (count + 1, total + net, line_count + lines.get(order_id or "", 0))
    return figures
