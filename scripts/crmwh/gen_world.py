"""Tables that do not grow per customer chunk: sales reps, quotas, products, campaigns, marketing spend,
FX rates and CRM logins, plus the shared state every customer chunk draws from (name pools, rep roster,
catalogue, campaign spend driving sessions and leads, FX levels, seasonal intensities).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from faker import Faker

from crmwh.contract import CURRENCIES
from crmwh.gen_core import (
    BUSINESS_HOURS,
    DAY,
    HOUR,
    Clock,
    Frame,
    Intensity,
    business_season,
    choice,
    consumer_season,
    growth,
    rng_for,
    sample_seconds_of_day,
)
from crmwh.gen_schema import KINDS, REGIONS, TEAMS
from crmwh.gen_vocab import CANONICAL, COUNTRIES, COUNTRY_CODES, EMAIL_DOMAINS, VI_MIDDLE_NAMES

CUR_INDEX = {c: i for i, c in enumerate(CURRENCIES)}
REGION_OF_COUNTRY = np.array([REGIONS.index(COUNTRIES[c][2]) for c in COUNTRY_CODES])
TZ_OF_COUNTRY = np.array([COUNTRIES[c][3] for c in COUNTRY_CODES])
CURRENCY_OF_COUNTRY = np.array([CUR_INDEX[COUNTRIES[c][1]] for c in COUNTRY_CODES])
REGION_TZ_MINUTES = np.array([-300, 120, 450])  # americas, emea, apac: typical office offset
CHANNELS = CANONICAL["campaign_channel"]
# Faker's date providers draw up to the wall clock ("now"); user names in some locales embed such a
# year ({{first_name}}{{year}} in ru_RU, bg_BG). Years come from this fixed range instead, so the output
# depends on the seed alone, never on the day the generator runs.
USER_NAME_YEARS = (1960, 2010)

# Start levels of one currency unit in USD, and daily volatility / yearly drift of the log rate.
FX_START = {
    "USD": 1.0,
    "EUR": 1.09,
    "GBP": 1.27,
    "VND": 1 / 23_600,
    "IRR": 1 / 42_050,
    "CNY": 1 / 7.25,
    "RUB": 1 / 88.0,
}
FX_VOL = {"USD": 0.0, "EUR": 0.004, "GBP": 0.0045, "VND": 0.0012, "IRR": 0.0015, "CNY": 0.002, "RUB": 0.011}
FX_DRIFT = {"USD": 0.0, "EUR": 0.01, "GBP": 0.01, "VND": -0.03, "IRR": -0.06, "CNY": -0.01, "RUB": -0.05}


# --- Name pools -----------------------------------------------------------------------------
class NamePools:
    """Per-country pools of Faker names, companies and user names, indexed with numpy."""

    SIZE = 400

    def __init__(self, seed: int) -> None:
        self.first: dict[tuple[str, int], pa.Array] = {}  # (country, gender 0 female / 1 male)
        self.last: dict[tuple[str, int], pa.Array] = {}
        self.middle: dict[tuple[str, int], pa.Array] = {}
        self.company: dict[str, pa.Array] = {}
        self.user: dict[str, pa.Array] = {}
        for i, country in enumerate(COUNTRY_CODES):
            fake = Faker(COUNTRIES[country][0])
            fake.seed_instance(seed * 101 + i)
            fake.set_formatter("year", lambda fake=fake: str(fake.random_int(*USER_NAME_YEARS)))
            n = self.SIZE
            self.first[(country, 0)] = pa.array([fake.first_name_female() for _ in range(n)])
            self.first[(country, 1)] = pa.array([fake.first_name_male() for _ in range(n)])
            if country == "RU":
                self.last[(country, 0)] = pa.array([fake.last_name_female() for _ in range(n)])
                self.last[(country, 1)] = pa.array([fake.last_name_male() for _ in range(n)])
                self.middle[(country, 0)] = pa.array([fake.middle_name_female() for _ in range(n)])
                self.middle[(country, 1)] = pa.array([fake.middle_name_male() for _ in range(n)])
            else:
                last = pa.array([fake.last_name() for _ in range(n)])
                self.last[(country, 0)] = self.last[(country, 1)] = last
            if country == "VN":
                self.middle[(country, 0)] = pa.array(VI_MIDDLE_NAMES["female"])
                self.middle[(country, 1)] = pa.array(VI_MIDDLE_NAMES["male"])
            self.company[country] = pa.array([fake.company() for _ in range(n)])
            self.user[country] = pa.array([fake.user_name() for _ in range(n)])

    def names(self, rng: np.random.Generator, country: np.ndarray, gender: np.ndarray) -> pa.Array:
        """Full names in each country's own order and script; ``gender`` 0 female, 1 male."""
        parts = []
        for ci, c in enumerate(COUNTRY_CODES):
            for g in (0, 1):
                rows = np.flatnonzero((country == ci) & (gender == g))
                if len(rows) == 0:
                    continue
                first = self.first[(c, g)].take(pa.array(rng.integers(0, len(self.first[(c, g)]), len(rows))))
                last = self.last[(c, g)].take(pa.array(rng.integers(0, len(self.last[(c, g)]), len(rows))))
                if c == "CN":
                    full = pc.binary_join_element_wise(last, first, "")
                elif c == "VN":
                    mid = self.middle[(c, g)].take(pa.array(rng.integers(0, len(self.middle[(c, g)]), len(rows))))
                    full = pc.binary_join_element_wise(last, mid, first, " ")
                elif c == "RU":
                    mid = self.middle[(c, g)].take(pa.array(rng.integers(0, len(self.middle[(c, g)]), len(rows))))
                    full = pc.binary_join_element_wise(last, first, mid, " ")
                else:
                    full = pc.binary_join_element_wise(first, last, " ")
                parts.append((rows, full))
        return scatter(parts, len(country))

    def companies(self, rng: np.random.Generator, country: np.ndarray) -> pa.Array:
        parts = []
        for ci, c in enumerate(COUNTRY_CODES):
            rows = np.flatnonzero(country == ci)
            if len(rows):
                parts.append((rows, self.company[c].take(pa.array(rng.integers(0, self.SIZE, len(rows))))))
        return scatter(parts, len(country))

    def emails(self, rng: np.random.Generator, country: np.ndarray, domain: str | None = None) -> pa.Array:
        """Lower-case emails: a Faker user name, often a number, and a free-mail domain of the country."""
        parts = []
        for ci, c in enumerate(COUNTRY_CODES):
            rows = np.flatnonzero(country == ci)
            if len(rows) == 0:
                continue
            user = self.user[c].take(pa.array(rng.integers(0, self.SIZE, len(rows))))
            num = rng.integers(1, 10_000, len(rows))
            suffix = pc.cast(pa.array(num, mask=rng.random(len(rows)) < 0.25), pa.string())
            local = pc.binary_join_element_wise(user, pc.fill_null(suffix, ""), "")
            if domain is None:
                doms = pa.array(EMAIL_DOMAINS[c]).take(pa.array(rng.integers(0, len(EMAIL_DOMAINS[c]), len(rows))))
            else:
                doms = pa.array([domain] * len(rows))
            parts.append((rows, pc.utf8_lower(pc.binary_join_element_wise(local, doms, "@"))))
        return scatter(parts, len(country))


PHONE_SHAPES = {  # country -> (calling code, leading digit choices, national digits after the lead)
    "US": ("1", None, 10),
    "GB": ("44", (7,), 9),
    "VN": ("84", (3, 5, 7, 8, 9), 8),
    "IR": ("98", (9,), 9),
    "CN": ("86", (13, 15, 17, 18, 19), 9),
    "RU": ("7", (9,), 9),
}


def phones(rng: np.random.Generator, country: np.ndarray) -> pa.Array:
    """E.164 phone numbers (+<code><national number>) shaped like mobile numbers of each country."""
    parts = []
    for ci, c in enumerate(COUNTRY_CODES):
        rows = np.flatnonzero(country == ci)
        if len(rows) == 0:
            continue
        cc, leads, rest = PHONE_SHAPES[c]
        if leads is None:  # NANP: area code 201-989, then 7 digits
            head = rng.integers(201, 990, len(rows))
            rest = 7
        else:
            head = np.array(leads)[rng.integers(0, len(leads), len(rows))]
        body = rng.integers(0, 10**rest, len(rows))
        digits = pc.binary_join_element_wise(
            pc.cast(pa.array(head), pa.string()), pc.utf8_lpad(pc.cast(pa.array(body), pa.string()), rest, "0"), ""
        )
        parts.append((rows, pc.binary_join_element_wise(pa.scalar(f"+{cc}"), digits, "")))
    return scatter(parts, len(country))


def scatter(parts: list[tuple[np.ndarray, pa.Array]], n: int) -> pa.Array:
    """Put the values of row subsets back in row order."""
    if not parts:
        return pa.nulls(n, pa.string())
    rows = np.concatenate([p[0] for p in parts])
    values = pa.concat_arrays([p[1] for p in parts])
    out = values.take(pa.array(np.argsort(rows, kind="stable")))
    if len(rows) < n:  # rows not covered stay null
        full = np.full(n, -1, dtype=np.int64)
        full[np.sort(rows)] = np.arange(len(rows))
        out = out.take(pa.array(full, mask=full < 0))
    return out


def strings_where(mask: np.ndarray, values: pa.Array) -> pa.Array:
    """``values`` where ``mask`` else null."""
    return pc.if_else(pa.array(mask), values, pa.scalar(None, pa.string()))


# --- World ----------------------------------------------------------------------------------
@dataclass
class Reps:
    number: np.ndarray  # id numbers
    region: np.ndarray
    role: np.ndarray  # 0 head, 1 sales, 2 support
    hire_ts: np.ndarray
    leave_ts: np.ndarray  # int64 max when still employed
    skill: np.ndarray  # multiplier of conversion rates
    head_of_region: np.ndarray  # rep index of each region's head

    def pick(self, rng: np.random.Generator, region: np.ndarray, t: np.ndarray, role: int) -> np.ndarray:
        """A rep of the role in each row's region, employed at time t (else the region's head)."""
        out = np.full(len(region), -1, dtype=np.int64)
        for r in range(len(REGIONS)):
            rows = np.flatnonzero(region == r)
            pool = np.flatnonzero((self.region == r) & (self.role == role))
            if len(rows) == 0:
                continue
            if len(pool) == 0:
                out[rows] = self.head_of_region[r]
                continue
            todo = rows
            for _ in range(8):
                cand = pool[rng.integers(0, len(pool), len(todo))]
                ok = (self.hire_ts[cand] <= t[todo]) & (t[todo] < self.leave_ts[cand])
                out[todo[ok]] = cand[ok]
                todo = todo[~ok]
                if len(todo) == 0:
                    break
            out[todo] = self.head_of_region[r]
        return out

    def active_or_head(self, rep: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Replace reps not employed at time t by their region's head (heads are always employed)."""
        ok = (rep < 0) | ((self.hire_ts[np.maximum(rep, 0)] <= t) & (t < self.leave_ts[np.maximum(rep, 0)]))
        return np.where(ok, rep, self.head_of_region[self.region[np.maximum(rep, 0)]])


@dataclass
class Catalogue:
    number: np.ndarray
    category: np.ndarray
    is_subscription: np.ndarray
    price_cents: np.ndarray  # in the product currency
    currency: np.ndarray
    launch_ts: np.ndarray
    popularity: np.ndarray


class CampaignSpend:
    """Daily spend entries (campaign, channel, day) and the traffic they buy."""

    COST_PER_SESSION: ClassVar[dict[str, float]] = {
        "paid_search": 1.2,
        "social": 0.8,
        "email": 0.1,
        "display": 2.5,
        "events": 12.0,
        "referral": 3.0,
        "organic": 4.0,
    }

    def __init__(self, campaign: np.ndarray, channel: np.ndarray, day: np.ndarray, usd: np.ndarray, n_days: int):
        order = np.lexsort((campaign, day))
        self.campaign, self.channel, self.day, self.usd = campaign[order], channel[order], day[order], usd[order]
        cps = np.array([self.COST_PER_SESSION[c] for c in CHANNELS])
        self.traffic = self.usd / cps[self.channel]
        self.n_days = n_days
        self.paid_per_day = np.bincount(self.day, weights=self.traffic, minlength=n_days)
        self.cum = np.concatenate([[0.0], np.cumsum(self.traffic)])
        self.day_lo = np.searchsorted(self.day, np.arange(n_days), side="left")
        self.day_hi = np.searchsorted(self.day, np.arange(n_days), side="right")

    def campaign_on_day(self, rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
        """Entry index of a campaign active on each day, drawn by bought traffic (-1 when none)."""
        lo, hi = self.cum[self.day_lo[days]], self.cum[self.day_hi[days]]
        u = lo + rng.random(len(days)) * (hi - lo)
        idx = np.searchsorted(self.cum, u, side="right") - 1
        return np.where(hi > lo, np.clip(idx, 0, len(self.traffic) - 1), -1)

    def entries(self, rng: np.random.Generator, n: int, channels: tuple[str, ...]) -> np.ndarray:
        """Entry indices drawn by bought traffic among the given channels (empty when none)."""
        mask = np.isin(self.channel, [CHANNELS.index(c) for c in channels])
        w = np.where(mask, self.traffic, 0.0)
        if w.sum() <= 0 or n == 0:
            return np.full(n, -1, dtype=np.int64)
        cum = np.cumsum(w)
        return np.searchsorted(cum, rng.random(n) * cum[-1], side="right").clip(0, len(w) - 1)


@dataclass
class World:
    clock: Clock
    seed: int
    pools: NamePools
    reps: Reps
    catalogue: Catalogue
    campaign_number: np.ndarray
    campaign_channel: np.ndarray
    campaign_start: np.ndarray  # day index within history
    campaign_end: np.ndarray  # inclusive day index (may be beyond the history)
    spend: CampaignSpend
    fx: np.ndarray  # (currency, day index) value of one unit in USD, as written
    consumer: Intensity  # growth x consumer seasonality (acquisition, sessions)
    season: Intensity  # consumer seasonality without growth, mean 1 (order timing warp)
    business: Intensity  # growth x business seasonality (leads, activities)
    organic_sessions: np.ndarray  # daily weight of organic sessions
    sessions: Intensity  # organic + bought traffic per day

    def to_local(self, usd: np.ndarray, currency: np.ndarray, ts: np.ndarray) -> np.ndarray:
        """USD amounts into cents of each row's currency at the day's rate."""
        day = np.clip((ts - self.clock.start_ts) // DAY, 0, self.clock.n_days - 1)
        return np.round(usd / self.fx[currency, day] * 100).astype(np.int64)


Emit = Callable[[str, Frame, np.random.Generator], None]
Allocate = Callable[[str, int], int]


def build_fx(clock: Clock, seed: int) -> np.ndarray:
    rng = rng_for(seed, 9, 0)
    out = np.empty((len(CURRENCIES), clock.n_days))
    for i, cur in enumerate(CURRENCIES):
        steps = rng.normal(FX_DRIFT[cur] / 365, FX_VOL[cur], clock.n_days)
        steps[0] = 0.0
        level = FX_START[cur] * np.exp(np.cumsum(steps))
        out[i] = np.round(level, 10)
    out[CUR_INDEX["USD"]] = 1.0
    return out


def build_world(clock: Clock, seed: int, customers: int, emit: Emit, allocate: Allocate) -> World:
    pools = NamePools(seed)
    fx = build_fx(clock, seed)
    cons = consumer_season(clock)
    world_consumer = Intensity(clock, cons * growth(clock))
    season = Intensity(clock, cons / cons.mean())
    business = Intensity(clock, business_season(clock) * growth(clock))

    reps = _sales_reps(clock, seed, customers, pools, emit, allocate)
    catalogue = _products(clock, seed, customers, fx, emit, allocate)
    camp = _campaigns(clock, seed, customers, fx, emit, allocate)
    number, channel, start, end, spend = camp
    _fx_rates(clock, seed, fx, emit)
    _quotas(clock, seed, reps, emit)

    # Organic sessions: consumer seasonality with growth, scaled so paid traffic is ~35% of all sessions.
    organic = cons * growth(clock)
    paid_total = spend.paid_per_day.sum()
    organic = organic / organic.sum() * paid_total * (0.65 / 0.35) if paid_total > 0 else organic
    return World(
        clock=clock,
        seed=seed,
        pools=pools,
        reps=reps,
        catalogue=catalogue,
        campaign_number=number,
        campaign_channel=channel,
        campaign_start=start,
        campaign_end=end,
        spend=spend,
        fx=fx,
        consumer=world_consumer,
        season=season,
        business=business,
        organic_sessions=organic,
        sessions=Intensity(clock, organic + spend.paid_per_day + 1e-9),
    )


def _sales_reps(clock: Clock, seed: int, customers: int, pools: NamePools, emit: Emit, allocate: Allocate) -> Reps:
    rng = rng_for(seed, 1, 1)
    n = max(12, 8 + customers // 160)
    region = np.concatenate([np.arange(3), choice(rng, [0.38, 0.34, 0.28], n - 3)])
    role = np.concatenate([np.zeros(3, dtype=np.int64), np.where(rng.random(n - 3) < 0.22, 2, 1)])
    # make sure every region has at least one sales rep and one support agent
    for r in range(3):
        for want in (1, 2):
            if not np.any((region[3:] == r) & (role[3:] == want)):
                idx = 3 + int(rng.integers(0, n - 3))
                region[idx], role[idx] = r, want
    start = clock.start_ts
    hire = np.where(
        rng.random(n) < 0.62,
        start - rng.integers(30, 6 * 365, n) * DAY,
        start + (rng.random(n) * (clock.n_days - 60)).astype(np.int64) * DAY,
    )
    hire[:3] = start - rng.integers(3 * 365, 8 * 365, 3) * DAY
    hire = (hire // DAY) * DAY + 9 * HOUR
    leaves = (rng.random(n) < 0.15) & (np.arange(n) >= 3)
    leave_at = hire + (120 + rng.random(n) * 900).astype(np.int64) * DAY
    leaves &= (leave_at > start + 30 * DAY) & (leave_at < clock.end_ts - 7 * DAY)
    leave_ts = np.where(leaves, leave_at, np.iinfo(np.int64).max)
    skill = np.exp(rng.normal(0, 0.3, n))
    first = allocate("sales_reps", n)
    number = np.arange(first, first + n, dtype=np.int64)

    # rep names: americas -> US, emea -> GB/RU/IR, apac -> VN/CN
    country = np.where(
        region == 0,
        COUNTRY_CODES.index("US"),
        np.where(
            region == 1,
            np.array([COUNTRY_CODES.index(c) for c in ("GB", "RU", "IR")])[rng.integers(0, 3, n)],
            np.array([COUNTRY_CODES.index(c) for c in ("VN", "CN")])[rng.integers(0, 2, n)],
        ),
    )
    gender = rng.integers(0, 2, n)
    team_name = np.where(role == 0, "Sales Leadership", "")
    kind = np.where(role == 2, "Support", np.where(rng.random(n) < 0.35, "Enterprise", "SMB"))
    region_label = np.array(["Americas", "EMEA", "APAC"])[region]
    team = np.array(
        [TEAMS.index(tn if tn else f"{rl} {k}") for tn, rl, k in zip(team_name, region_label, kind, strict=True)]
    )
    head = np.arange(3)
    manager = np.where(role == 0, -1, number[head[region]])
    updated = np.where(leaves, leave_ts, hire + (rng.random(n) * (clock.end_ts - hire - DAY)).astype(np.int64))
    updated = np.clip(updated, hire + DAY, clock.end_ts - 1)
    frame = Frame(
        KINDS["sales_reps"],
        {
            "rep_id": number,
            "full_name": pools.names(rng, country, gender),
            "email": pools.emails(rng, country, domain="example-corp.com"),
            "team": team,
            "manager_rep_id": manager,
            "region": region,
            "hire_date": hire // DAY,
            "status": leaves.astype(np.int64),
            "updated_at": updated,
        },
    )
    emit("sales_reps", frame, rng)
    return Reps(number, region, role, hire, leave_ts, skill, head)


PRODUCT_LINES: tuple[tuple[str, str, float, bool], ...] = (
    # name, category, list price in USD, is_subscription
    ("Nimbus CRM Desktop", "software", 399.0, False),
    ("Nimbus Analytics Pro", "software", 899.0, False),
    ("Nimbus Mail Connector", "software", 149.0, False),
    ("Nimbus Mobile Sales", "software", 249.0, False),
    ("Smart Terminal T2", "hardware", 649.0, False),
    ("Barcode Scanner S1", "hardware", 189.0, False),
    ("Receipt Printer P3", "hardware", 259.0, False),
    ("Card Reader C5", "hardware", 79.0, False),
    ("Label Printer L1", "hardware", 329.0, False),
    ("POS Tablet 10", "hardware", 1199.0, False),
    ("Charging Dock", "accessories", 39.0, False),
    ("USB-C Cable 2m", "accessories", 12.0, False),
    ("Carry Case", "accessories", 29.0, False),
    ("Stylus Pen", "accessories", 19.0, False),
    ("Paper Rolls (10 pack)", "accessories", 15.0, False),
    ("Screen Protector", "accessories", 9.0, False),
    ("Onboarding Workshop", "services", 950.0, False),
    ("Data Migration", "services", 1800.0, False),
    ("Custom Integration Day", "services", 1200.0, False),
    ("Priority Setup", "services", 290.0, False),
    ("Admin Training, online", "training", 199.0, False),
    ("Sales Team Training", "training", 690.0, False),
    ("Certification Exam", "training", 120.0, False),
    ("Gift Card 25", "accessories", 25.0, False),
    ("Gift Card 50", "accessories", 50.0, False),
    ("Extended Warranty 2y", "services", 89.0, False),
    ("Sticker Pack", "accessories", 4.0, False),
    ("Cable Ties (50)", "accessories", 6.0, False),
    ("Cleaning Kit", "accessories", 8.0, False),
    ("Mouse Pad", "accessories", 11.0, False),
    ("Phone Stand", "accessories", 17.0, False),
    ("Keyboard Cover", "accessories", 22.0, False),
    ("Wireless Mouse", "accessories", 29.0, False),
    ("Replacement Battery", "accessories", 34.0, False),
    ("Headset H1", "hardware", 59.0, False),
    ("Webcam W2", "hardware", 89.0, False),
    ("Template Pack", "software", 24.0, False),
    ("Report Add-on", "software", 49.0, False),
    ("eBook: CRM Playbook", "training", 19.0, False),
    ("Video Course", "training", 79.0, False),
    ("CloudSync", "subscription", 49.0, True),
    ("Analytics Hub", "subscription", 99.0, True),
    ("Support Plus", "subscription", 29.0, True),
)


def _products(clock: Clock, seed: int, customers: int, fx: np.ndarray, emit: Emit, allocate: Allocate) -> Catalogue:
    rng = rng_for(seed, 1, 2)
    base = len(PRODUCT_LINES)
    n = base + customers // 25_000
    names, cats, prices, subs = [], [], [], []
    for i in range(n):
        name, cat, price, sub = PRODUCT_LINES[i % base]
        gen = i // base
        if gen:
            name = f"{name} Gen {gen + 1}"
            price = round(price * (1 + 0.08 * gen), 0)
        names.append(name)
        cats.append(CANONICAL["product_category"].index(cat))
        prices.append(price)
        subs.append(sub)
    prices_usd = np.array(prices)
    is_sub = np.array(subs)
    cat = np.array(cats)
    eur = (rng.random(n) < 0.2) & ~is_sub
    currency = np.where(eur, CUR_INDEX["EUR"], CUR_INDEX["USD"])
    start = clock.start_ts
    launch = start - rng.integers(60, 4 * 365, n) * DAY
    new_line = (np.arange(n) >= base) | ((rng.random(n) < 0.15) & ~is_sub)
    launch_new = start + (60 + rng.random(n) * (clock.n_days - 180)).astype(np.int64) * DAY
    launch = np.where(new_line, launch_new, launch)
    launch = (launch // DAY) * DAY + rng.integers(8 * HOUR, 18 * HOUR, n)
    price_cur = np.where(eur, np.round(prices_usd / fx[CUR_INDEX["EUR"], 0]), prices_usd)
    price_cents = (price_cur * 100).astype(np.int64) - np.where(price_cur > 20, 1, 0)  # 399.00 -> 398.99
    cost_share = np.where(cat == CANONICAL["product_category"].index("services"), 0.65, 0.45)
    cost = np.round(price_cents * cost_share * rng.uniform(0.8, 1.2, n)).astype(np.int64)
    updated = launch + (rng.random(n) * np.maximum(clock.end_ts - launch - DAY, DAY)).astype(np.int64)
    updated = np.maximum(updated, launch + DAY)
    first = allocate("products", n)
    number = np.arange(first, first + n, dtype=np.int64)
    sku_prefix = np.array(["SW", "HW", "AC", "SV", "TR", "SB"])[cat]
    sku = pa.array([f"{p}-{1000 + i * 7 % 9000:04d}" for i, p in enumerate(sku_prefix)])
    frame = Frame(
        KINDS["products"],
        {
            "product_id": number,
            "sku": sku,
            "product_name": pa.array(names),
            "category": cat,
            "is_subscription": is_sub.astype(np.int64),
            "list_price": price_cents,
            "unit_cost": cost,
            "currency": currency,
            "launched_at": launch,
            "updated_at": updated,
        },
    )
    emit("products", frame, rng)
    popularity = np.exp(rng.normal(0, 0.8, n)) * np.where(cat == 2, 2.0, 1.0)
    return Catalogue(number, cat, is_sub, price_cents, currency, launch, popularity)


CAMPAIGN_THEMES = (
    "Spring Sale",
    "Summer Promo",
    "Back to School",
    "Black Friday",
    "Holiday Season",
    "New Year Kickoff",
    "Product Launch",
    "Webinar Series",
    "Customer Stories",
    "Free Trial Push",
    "Partner Week",
    "Trade Show",
    "Win-back",
    "Loyalty Boost",
)
CHANNEL_LABEL = {
    "paid_search": "Search",
    "social": "Social",
    "email": "Email",
    "display": "Display",
    "events": "Events",
    "referral": "Referral",
    "organic": "Content",
}
SECONDARY = {"paid_search": "display", "social": "display", "events": "social", "display": "social"}


def _campaigns(
    clock: Clock, seed: int, customers: int, fx: np.ndarray, emit: Emit, allocate: Allocate
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, CampaignSpend]:
    rng = rng_for(seed, 1, 3)
    n = 40 + customers // 2_000
    channel = choice(rng, [0.25, 0.22, 0.18, 0.12, 0.08, 0.07, 0.08], n)
    objective_w = {
        "paid_search": [0.2, 0.7, 0.05, 0.05],
        "social": [0.5, 0.4, 0.05, 0.05],
        "email": [0.05, 0.15, 0.5, 0.3],
        "display": [0.7, 0.3, 0.0, 0.0],
        "events": [0.4, 0.5, 0.0, 0.1],
        "referral": [0.1, 0.8, 0.1, 0.0],
        "organic": [0.6, 0.4, 0.0, 0.0],
    }
    objective = np.array([choice(rng, objective_w[CHANNELS[c]], 1)[0] for c in channel])
    duration = np.where(CHANNELS.index("email") == channel, rng.integers(3, 15, n), rng.integers(14, 91, n)).astype(
        np.int64
    )
    # 15% of campaigns are holiday campaigns starting in November
    start = (rng.random(n) * (clock.n_days - 21)).astype(np.int64)
    months = clock.month()
    nov_days = np.flatnonzero((months == 11) & (np.arange(clock.n_days) < clock.n_days - 21))
    holiday = rng.random(n) < 0.15
    if len(nov_days):
        start = np.where(holiday, nov_days[rng.integers(0, len(nov_days), n)], start)
    end = start + duration - 1
    theme = np.array(
        [CAMPAIGN_THEMES.index("Black Friday") if h else rng.integers(len(CAMPAIGN_THEMES)) for h in holiday]
    )
    year = clock.year()[start]
    name = pa.array(
        [
            f"{CAMPAIGN_THEMES[t]} {y} - {CHANNEL_LABEL[CHANNELS[c]]}"
            for t, y, c in zip(theme, year, channel, strict=True)
        ]
    )
    weight = np.array([{"events": 2.5, "email": 0.3, "paid_search": 1.3}.get(CHANNELS[c], 1.0) for c in channel])
    budget_usd = 60.0 * customers / n * weight / weight.mean() * np.exp(rng.normal(0, 0.45, n))
    currency = np.array([CUR_INDEX[c] for c in ("USD", "EUR", "GBP", "CNY", "VND", "RUB")])[
        choice(rng, [0.55, 0.18, 0.08, 0.08, 0.06, 0.05], n)
    ]
    budget_local = np.round(budget_usd / fx[currency, np.minimum(start, clock.n_days - 1)], 0) * 100
    first = allocate("campaigns", n)
    number = np.arange(first, first + n, dtype=np.int64)
    updated = clock.start_ts + start * DAY - rng.integers(1, 20, n) * DAY + rng.integers(8 * HOUR, 18 * HOUR, n)
    updated = np.maximum(updated, clock.start_ts - 30 * DAY)
    frame = Frame(
        KINDS["campaigns"],
        {
            "campaign_id": number,
            "campaign_name": name,
            "channel": channel,
            "objective": objective,
            "start_date": clock.start_day + start,
            "end_date": clock.start_day + end,
            "budget": budget_local.astype(np.int64),
            "currency": currency,
            "updated_at": updated,
        },
    )
    emit("campaigns", frame, rng)

    # daily spend: main channel, plus a secondary channel for some campaigns
    season = consumer_season(clock)
    rows_c, rows_ch, rows_d, rows_usd = [], [], [], []
    secondary = rng.random(n) < 0.3
    for i in range(n):
        days = np.arange(start[i], min(end[i], clock.n_days - 1) + 1)
        if len(days) == 0:
            continue
        w = season[days] * np.exp(rng.normal(0, 0.25, len(days)))
        total = budget_usd[i] * rng.uniform(0.85, 1.03) * len(days) / duration[i]
        chans = [channel[i]]
        if secondary[i] and CHANNELS[channel[i]] in SECONDARY:
            chans.append(CHANNELS.index(SECONDARY[CHANNELS[channel[i]]]))
        shares = [1.0] if len(chans) == 1 else [0.75, 0.25]
        for ch, share in zip(chans, shares, strict=True):
            usd = total * share * w / w.sum()
            rows_c.append(np.full(len(days), i))
            rows_ch.append(np.full(len(days), ch))
            rows_d.append(days)
            rows_usd.append(usd)
    c = np.concatenate(rows_c)
    ch = np.concatenate(rows_ch)
    d = np.concatenate(rows_d)
    usd = np.concatenate(rows_usd)
    spend = CampaignSpend(c, ch, d, usd, clock.n_days)
    cur = currency[spend.campaign]
    local = np.round(spend.usd / fx[cur, spend.day] * 100).astype(np.int64)
    frame = Frame(
        KINDS["marketing_spend"],
        {
            "spend_date": clock.start_day + spend.day,
            "campaign_id": number[spend.campaign],
            "channel": spend.channel,
            "amount": local,
            "currency": cur,
            "_campaign": spend.campaign,
        },
    )
    emit("marketing_spend", frame, rng)
    return number, channel, start, end, spend


def _fx_rates(clock: Clock, seed: int, fx: np.ndarray, emit: Emit) -> None:
    rng = rng_for(seed, 1, 4)
    k, n = fx.shape
    frame = Frame(
        KINDS["fx_rates"],
        {
            "rate_date": np.repeat(clock.day_numbers(), k),
            "currency": np.tile(np.arange(k), n),
            "rate_to_usd": fx.T.reshape(-1),
        },
    )
    emit("fx_rates", frame, rng)


QUOTA_USD = {"SMB": 40_000.0, "Enterprise": 150_000.0}


def _quotas(clock: Clock, seed: int, reps: Reps, emit: Emit) -> None:
    rng = rng_for(seed, 1, 5)
    first_of_month = np.flatnonzero(
        clock.day_numbers().astype("datetime64[D]")
        == clock.day_numbers().astype("datetime64[D]").astype("datetime64[M]")
    )
    month_start = clock.start_ts + first_of_month * DAY
    rows_rep, rows_month, rows_amount, rows_cur, rows_upd = [], [], [], [], []
    region_cur = np.array([CUR_INDEX["USD"], CUR_INDEX["EUR"], CUR_INDEX["USD"]])
    for i in np.flatnonzero(reps.role == 1):
        active = (month_start >= (reps.hire_ts[i] // DAY) * DAY) & (month_start < reps.leave_ts[i])
        months = first_of_month[active]
        if len(months) == 0:
            continue
        base = 40_000.0 * reps.skill[i] ** 0.5 * (3.5 if rng.random() < 0.35 else 1.0)
        ramp = np.linspace(0.9, 1.15, len(months)) * CONSUMER_Q[clock.month()[months] - 1]
        usd = base * ramp
        cur = region_cur[reps.region[i]]
        fx_rate = 1.09 if cur == CUR_INDEX["EUR"] else 1.0
        rows_rep.append(np.full(len(months), reps.number[i]))
        rows_month.append(clock.start_day + months)
        rows_amount.append((np.round(usd / fx_rate / 100) * 100 * 100).astype(np.int64))
        rows_cur.append(np.full(len(months), cur))
        rows_upd.append(clock.start_ts + months * DAY - rng.integers(2, 25, len(months)) * DAY + 10 * HOUR)
    frame = Frame(
        KINDS["quotas"],
        {
            "rep_id": np.concatenate(rows_rep),
            "quota_month": np.concatenate(rows_month),
            "quota_amount": np.concatenate(rows_amount),
            "currency": np.concatenate(rows_cur),
            "updated_at": np.concatenate(rows_upd),
        },
    )
    emit("quotas", frame, rng)


MORNING_HOURS = np.where(np.arange(24) < 12, BUSINESS_HOURS, 0.0)
CONSUMER_Q = np.array([0.9, 0.95, 1.1, 0.95, 1.0, 1.1, 0.9, 0.9, 1.1, 1.0, 1.05, 1.2])  # quarter-end push


def crm_logins(world: World, emit: Emit, allocate: Allocate, chunk_reps: int = 500) -> None:
    """One row per login: most employed reps log in on most workdays, some twice."""
    clock = world.clock
    reps = world.reps
    weekday = clock.weekday()
    workdays = np.flatnonzero(weekday < 5)
    day_ts = clock.start_ts + workdays * DAY
    for ci, lo in enumerate(range(0, len(reps.number), chunk_reps)):
        rng = rng_for(world.seed, 2, ci)
        idx = np.arange(lo, min(lo + chunk_reps, len(reps.number)))
        employed = (day_ts[None, :] >= (reps.hire_ts[idx, None] // DAY) * DAY) & (
            day_ts[None, :] < reps.leave_ts[idx, None]
        )
        present = employed & (rng.random(employed.shape) < 0.62)
        second = present & (rng.random(employed.shape) < 0.12)
        r1, d1 = np.nonzero(present)
        r2, d2 = np.nonzero(second)
        rep = np.concatenate([idx[r1], idx[r2]])
        day = np.concatenate([d1, d2])
        is_second = np.concatenate([np.zeros(len(r1), bool), np.ones(len(r2), bool)])
        tz = REGION_TZ_MINUTES[reps.region[rep]]
        local = np.where(
            is_second,
            rng.integers(13 * HOUR, 17 * HOUR, len(rep)),
            sample_seconds_of_day(rng, len(rep), MORNING_HOURS),
        )
        ts = day_ts[day] + local - tz * 60
        ts = np.clip(ts, reps.hire_ts[rep], np.minimum(reps.leave_ts[rep], clock.end_ts) - 1)
        order = np.lexsort((rep, ts))
        rep, ts = rep[order], ts[order]
        first = allocate("crm_logins", len(rep))
        frame = Frame(
            KINDS["crm_logins"],
            {
                "login_id": np.arange(first, first + len(rep), dtype=np.int64),
                "rep_id": reps.number[rep],
                "logged_in_at": ts,
                "client": choice(rng, [0.6, 0.15, 0.25], len(rep)),
            },
        )
        emit("crm_logins", frame, rng)
