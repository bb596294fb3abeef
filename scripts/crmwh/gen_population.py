"""One chunk of the customer population and everything that hangs off it, fully vectorised.

A chunk holds ``n`` customers, the leads of the same slice of the market, and their orders, order
items, loyalty points, support tickets, survey responses, subscriptions, web sessions, email events,
CRM activities and shared-lead-pool events. Chunks are independent (own random stream) and share
the world (reps, catalogue, campaigns, FX, seasonality).

Processes (see ``truth.json`` for the parameters):

* leads arrive from campaigns (by the traffic the day's spend bought) or organically; reps contact
  them (late contact releases the lead to the shared pool after 14 days), some become opportunities
  that move lead -> qualified -> proposal -> negotiation -> closed, with source- and rep-dependent
  odds and occasional skipped stages; won opportunities create company or person customers;
* other customers sign up directly, with growth and seasonality;
* purchases follow BG/NBD in seasonal operational time (Gamma(r, alpha) purchase rates per week,
  Beta(a, b) drop-out after each repeat purchase), net order values in USD follow Gamma-Gamma;
  cancelled and refunded orders come on top of that process;
* tickets depend on a per-customer difficulty; survey scores depend on the service experience;
  subscription churn rises with the ticket count and detractor answers before each renewal.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crmwh.gen_core import (
    BUSINESS_HOURS,
    CONSUMER_HOURS,
    DAY,
    HOUR,
    NA,
    Frame,
    choice,
    count_before,
    rank_in_group,
    sample_seconds_of_day,
    sum_before,
    zipf_weights,
)
from crmwh.gen_schema import KINDS, LANDING_PAGES, SUBJECT_VOCAB, SUBJECTS
from crmwh.gen_vocab import CANONICAL, CITIES, COMMENTS, COUNTRY_CODES, COUNTRY_WEIGHTS, LANGUAGE_OF_COUNTRY
from crmwh.gen_world import (
    CHANNELS,
    CUR_INDEX,
    CURRENCY_OF_COUNTRY,
    REGION_OF_COUNTRY,
    TZ_OF_COUNTRY,
    Allocate,
    Emit,
    World,
    phones,
    strings_where,
)

# Ground truth of the purchase process (time unit: weeks; money: USD, net of discount).
BGNBD = {"r": 1.6, "alpha": 6.0, "a": 0.6, "b": 5.0}
GAMMA_GAMMA = {"p": 4.5, "q": 3.5, "gamma": 80.0}

LEADS_PER_CUSTOMER = 1.2
# Sessions of visitors who never sign up (the site's anonymous traffic), per customer. Customers' own
# sessions (browsing, orders, before sign-up) add ~15 per customer, so this default gives ~50 web
# sessions per customer (tier L: ~50M). The demo tier passes a lighter rate (crmwh.generate.TIERS).
ANON_SESSIONS_PER_CUSTOMER = 35.0
BROWSE_SESSIONS_PER_YEAR = 3.5
POOL_FOLLOW_UP_DAYS = 14
# Campaign emails an always-subscribed customer (lead) receives over the whole history; each email
# campaign reaches a share of the base so that this stays constant however many campaigns there are.
EMAIL_REACH_CUSTOMER = 2.3
EMAIL_REACH_LEAD = 1.4

V = CANONICAL
SRC = V["lead_source"]  # web referral event cold_call partner social email
ST = V["opportunity_stage"]
END_MAX = np.iinfo(np.int64).max


def cat(domain: str, value: str) -> int:
    return V[domain].index(value)


class Chunk:
    """Generates and emits every per-customer table of one chunk."""

    def __init__(
        self,
        world: World,
        rng: np.random.Generator,
        n_customers: int,
        emit: Emit,
        allocate: Allocate,
        anon_sessions_per_customer: float = ANON_SESSIONS_PER_CUSTOMER,
    ):
        self.w = world
        self.anon_sessions_per_customer = anon_sessions_per_customer
        self.rng = rng
        self.n = n_customers
        self.emit = emit
        self.allocate = allocate
        self.clock = world.clock
        self.start = world.clock.start_ts
        self.end = world.clock.end_ts  # exclusive
        c = world.catalogue
        self.price_usd = c.price_cents / 100.0 * world.fx[c.currency, 0]
        items = np.flatnonzero(~c.is_subscription)
        order = items[np.argsort(self.price_usd[items], kind="stable")]
        self.item_products = order
        self.item_log_price = np.log(self.price_usd[order])
        # products launched during the history fall back to the nearest-priced product of their kind on sale before
        self.fallback = np.arange(len(c.number))
        for group in (items, np.flatnonzero(c.is_subscription)):
            if len(group) == 0:
                continue
            legacy = group[c.launch_ts[group] < self.start]
            legacy = legacy if len(legacy) else group
            log_p = np.log(self.price_usd)
            nearest = np.abs(log_p[group][:, None] - log_p[legacy][None, :]).argmin(1)
            self.fallback[group] = legacy[nearest]
        subs = np.flatnonzero(c.is_subscription)
        self.sub_products = subs[c.launch_ts[subs] < self.start] if np.any(c.launch_ts[subs] < self.start) else subs

    # -- small helpers ---------------------------------------------------------------------
    def clip_ts(self, t: np.ndarray) -> np.ndarray:
        return np.clip(t, self.start, self.end - 1)

    def ids(self, table: str, k: int) -> np.ndarray:
        first = self.allocate(table, k)
        return np.arange(first, first + k, dtype=np.int64)

    def _rep_ids(self, rep: np.ndarray, t: int) -> np.ndarray:
        """Id numbers of the current owners (reps who left hand their accounts to the region head)."""
        reps = self.w.reps
        current = np.where(rep >= 0, reps.active_or_head(rep, np.full(len(rep), t)), -1)
        return np.where(current >= 0, reps.number[np.maximum(current, 0)], -1)

    def product_for(self, t: np.ndarray, product: np.ndarray) -> np.ndarray:
        """Replace products not yet launched at time t by a similar product already on sale."""
        c = self.w.catalogue
        return np.where(c.launch_ts[product] <= t, product, self.fallback[product])

    def run(self) -> None:
        self.leads_and_pipeline()
        self.number_opportunities()
        self.customers()
        self.orders()
        self.loyalty()
        self.tickets()
        self.surveys()
        self.subscriptions()
        self.web_sessions()
        self.email_events()
        self.activities()
        self.emit_leads()
        self.lead_pool_events()

    # -- leads and pipeline ----------------------------------------------------------------
    def leads_and_pipeline(self) -> None:
        rng, w = self.rng, self.w
        n = max(1, round(LEADS_PER_CUSTOMER * self.n))
        self.n_leads = n
        source = choice(rng, [0.33, 0.12, 0.08, 0.14, 0.08, 0.15, 0.10], n)
        country = choice(rng, COUNTRY_WEIGHTS, n)
        tz = TZ_OF_COUNTRY[country]
        campaign = np.full(n, -1, dtype=np.int64)
        created = np.zeros(n, dtype=np.int64)
        # campaign-driven leads: sample (campaign, day) by the traffic bought
        via = {"web": (("paid_search", "display", "organic"), 0.6), "social": (("social",), 0.7)}
        via |= {"email": (("email",), 0.8), "event": (("events",), 0.85), "referral": (("referral",), 0.3)}
        from_campaign = np.zeros(n, dtype=bool)
        for src, (channels, share) in via.items():
            rows = np.flatnonzero((source == SRC.index(src)) & (rng.random(n) < share))
            e = w.spend.entries(rng, len(rows), channels)
            ok = e >= 0
            rows, e = rows[ok], e[ok]
            campaign[rows] = w.spend.campaign[e]
            hours = BUSINESS_HOURS if src == "event" else CONSUMER_HOURS
            t = self.start + w.spend.day[e] * DAY + sample_seconds_of_day(rng, len(rows), hours) - tz[rows] * 60
            created[rows] = self.clip_ts(t)
            from_campaign[rows] = True
        rest = np.flatnonzero(~from_campaign)
        b2b = np.isin(source[rest], [SRC.index(s) for s in ("cold_call", "partner", "referral", "event")])
        t_b2b = w.business.sample(rng, self.start, self.end, n=len(rest), hours=BUSINESS_HOURS, tz_minutes=tz[rest])
        t_b2c = w.consumer.sample(rng, self.start, self.end, n=len(rest), hours=CONSUMER_HOURS, tz_minutes=tz[rest])
        created[rest] = np.where(b2b, t_b2b, t_b2c)

        p_company = np.array([0.45, 0.7, 0.8, 0.9, 0.85, 0.35, 0.5])[source]
        is_company = rng.random(n) < p_company
        region = REGION_OF_COUNTRY[country]
        reps = w.reps
        owner = reps.pick(rng, region, created, role=1)
        skill = reps.skill

        # first contact; late or no contact releases the lead to the shared pool
        delay = rng.exponential(3.0, n) / skill[owner]
        never = rng.random(n) < 0.1
        contact = created + (delay * DAY).astype(np.int64)
        release_at = created + POOL_FOLLOW_UP_DAYS * DAY
        released = (never | (delay > POOL_FOLLOW_UP_DAYS)) & (release_at < self.end)
        eff_owner = owner.copy()
        contacted = ~never & (delay <= POOL_FOLLOW_UP_DAYS) & (contact < self.end)
        u = rng.random(n)
        claim = released & (u < 0.5)
        reclaim = released & (u >= 0.5) & (u < 0.65)
        frozen = released & (u >= 0.65) & (u < 0.75)
        claim_at = release_at + (rng.exponential(4.0, n) * DAY).astype(np.int64) + HOUR
        claim &= claim_at < self.end
        reclaim &= claim_at < self.end
        freeze_at = release_at + (rng.exponential(6.0, n) * DAY).astype(np.int64) + HOUR
        frozen &= freeze_at < self.end
        restore_at = freeze_at + (rng.exponential(20.0, n) * DAY).astype(np.int64) + HOUR
        restored = frozen & (rng.random(n) < 0.5) & (restore_at < self.end)
        claimer = reps.pick(rng, region, claim_at, role=1)
        same = claim & (claimer == owner)  # the only free rep was the owner: that is a reclaim
        reclaim |= same
        claim &= ~same
        eff_owner = np.where(claim, claimer, eff_owner)
        eff_owner = np.where(released & ~claim & ~reclaim, -1, eff_owner)
        contact2 = claim_at + (rng.exponential(1.5, n) * DAY).astype(np.int64) + 600
        late_contact = (claim | reclaim) & (contact2 < self.end)
        contact = np.where(released, contact2, contact)
        contacted = np.where(released, late_contact, contacted)
        eff_owner = np.where(eff_owner >= 0, reps.active_or_head(eff_owner, np.minimum(contact, self.end - 1)), -1)

        # opportunities
        p_opp = np.array([0.35, 0.55, 0.45, 0.2, 0.5, 0.25, 0.3])[source] * np.sqrt(skill[np.maximum(eff_owner, 0)])
        opp_at = contact + (rng.exponential(6.0, n) * DAY).astype(np.int64) + HOUR
        has_opp = contacted & (rng.random(n) < np.clip(p_opp, 0, 0.95)) & (opp_at < self.end)
        ol = np.flatnonzero(has_opp)  # lead index of each opportunity
        n_opp = len(ol)
        opp_owner = eff_owner[ol]
        src_mult = np.array([1.0, 1.25, 1.05, 0.8, 1.15, 0.9, 0.95])[source[ol]]
        adv = np.array([0.7, 0.6, 0.62, 0.58])
        mean_days = np.array([7.0, 12.0, 15.0, 10.0])
        stage = np.zeros(n_opp, dtype=np.int64)
        t = opp_at[ol].copy()
        open_ = np.ones(n_opp, dtype=bool)
        hist_opp, hist_stage, hist_t = [np.arange(n_opp)], [np.zeros(n_opp, dtype=np.int64)], [t.copy()]
        for _ in range(6):
            idx = np.flatnonzero(open_)
            if len(idx) == 0:
                break
            s = stage[idx]
            dwell = rng.gamma(2.0, mean_days[s] / 2.0) * DAY
            t_next = t[idx] + dwell.astype(np.int64) + 600
            p = np.clip(adv[s] * src_mult[idx] * np.sqrt(skill[opp_owner[idx]]), 0.05, 0.95)
            go = rng.random(len(idx)) < p
            skip = go & (rng.random(len(idx)) < 0.1)
            new_stage = np.where(go, np.minimum(s + 1 + skip, 4), 5)  # 4 closed_won, 5 closed_lost
            in_time = t_next < self.end
            moved = idx[in_time]
            stage[moved] = new_stage[in_time]
            t[moved] = t_next[in_time]
            hist_opp.append(moved)
            hist_stage.append(new_stage[in_time])
            hist_t.append(t_next[in_time])
            open_[idx[~in_time]] = False
            open_[moved[new_stage[in_time] >= 4]] = False
        won = stage == 4
        lost = stage == 5

        # lead status
        status = np.full(n, cat("lead_status", "new"))
        status[contacted] = cat("lead_status", "contacted")
        old_contact = contacted & ~has_opp & (contact < self.end - 30 * DAY) & (rng.random(n) < 0.35)
        status[old_contact] = cat("lead_status", "unqualified")
        lead_of_won = ol[won]
        st = np.full(n, -1)
        st[ol] = stage
        status[has_opp & (st >= 1)] = cat("lead_status", "qualified")
        status[has_opp & (st == 0)] = cat("lead_status", "contacted")
        status[has_opp & (st == 5)] = cat("lead_status", "unqualified")
        # a deal lost after qualification leaves the lead qualified
        hs = np.concatenate(hist_stage)
        ho = np.concatenate(hist_opp)
        reached = np.zeros(n_opp, dtype=np.int64)
        np.maximum.at(reached, ho, np.where(hs >= 4, 0, hs))
        status[ol[lost & (reached >= 1)]] = cat("lead_status", "qualified")
        status[lead_of_won] = cat("lead_status", "converted")

        # manual releases of contacted leads that went nowhere
        manual_at = contact + (rng.uniform(7, 30, n) * DAY).astype(np.int64)
        manual = contacted & ~has_opp & (rng.random(n) < 0.05) & (manual_at < self.end)

        # people behind the leads
        gender = rng.integers(0, 2, n)
        pools = w.pools
        full_name = pools.names(rng, country, gender)
        email = strings_where(rng.random(n) < 0.92, pools.emails(rng, country))
        phone = strings_where(rng.random(n) < 0.75, phones(rng, country))
        company = strings_where(is_company, pools.companies(rng, country))

        # sort leads by creation and number them
        order = np.argsort(created, kind="stable")
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        self.lead_num = self.ids("leads", n)[rank]  # id number of lead i (ids increase with time)
        self.lead = {
            "order": order,
            "country": country,
            "gender": gender,
            "source": source,
            "campaign": campaign,
            "created": created,
            "is_company": is_company,
            "owner": owner,
            "eff_owner": np.where(manual, -1, eff_owner),
            "contact_owner": eff_owner,
            "contacted": contacted,
            "contact": contact,
            "status": status,
            "full_name": full_name,
            "email": email,
            "phone": phone,
            "company": company,
            "released": released,
            "release_at": release_at,
            "claim": claim,
            "reclaim": reclaim,
            "claim_at": claim_at,
            "claimer": claimer,
            "frozen": frozen,
            "freeze_at": freeze_at,
            "restored": restored,
            "restore_at": restore_at,
            "manual": manual,
            "manual_at": manual_at,
            "has_opp": has_opp,
        }
        self.opp = {
            "lead": ol,
            "owner": opp_owner,
            "created": opp_at[ol],
            "stage": stage,
            "last_t": t,
            "won": won,
            "lost": lost,
            "hist_opp": ho,
            "hist_stage": hs,
            "hist_t": np.concatenate(hist_t),
        }

    # -- customers -----------------------------------------------------------------------
    def customers(self) -> None:
        rng, w, L, OP = self.rng, self.w, self.lead, self.opp  # noqa: N806
        won_idx = np.flatnonzero(OP["won"])
        n_won = len(won_idx)
        if n_won > self.n // 2:  # keep at least half of the customers direct sign-ups
            won_idx = won_idx[: self.n // 2]
            OP["won"][np.flatnonzero(OP["won"])[self.n // 2 :]] = False
            n_won = len(won_idx)
        n_dir = self.n - n_won
        lead_i = OP["lead"][won_idx]
        won_at = OP["last_t"][won_idx]

        country = np.concatenate([L["country"][lead_i], choice(rng, COUNTRY_WEIGHTS, n_dir)])
        tz = TZ_OF_COUNTRY[country]
        direct_created = w.consumer.sample(
            rng, self.start, self.end, n=n_dir, hours=CONSUMER_HOURS, tz_minutes=tz[n_won:]
        )
        created = np.concatenate(
            [
                np.minimum(won_at + 60 + (rng.exponential(3.0, n_won) * HOUR).astype(np.int64), self.end - 1),
                direct_created,
            ]
        )
        from_lead = np.arange(self.n) < n_won
        is_company = np.concatenate([L["is_company"][lead_i], rng.random(n_dir) < 0.08])
        segment = np.where(
            is_company,
            1
            + choice(rng, [0.55, 0.32, 0.13], self.n) * from_lead
            + choice(rng, [0.65, 0.25, 0.10], self.n) * ~from_lead,
            0,
        )
        src_to_acq = np.array([V["acquisition_channel"].index(s) for s in SRC])
        acq = np.concatenate(
            [
                src_to_acq[L["source"][lead_i]],
                np.array(
                    [
                        V["acquisition_channel"].index(c)
                        for c in ("paid_search", "organic_search", "direct", "social", "referral", "email")
                    ]
                )[choice(rng, [0.25, 0.3, 0.2, 0.1, 0.1, 0.05], n_dir)],
            ]
        )
        region = REGION_OF_COUNTRY[country]
        owner_dir = self.w.reps.pick(rng, region[n_won:], created[n_won:], role=1)
        owner_dir = np.where(is_company[n_won:] | (rng.random(n_dir) < 0.15), owner_dir, -1)
        lead_owner = OP["owner"][won_idx]
        owner = np.concatenate([lead_owner, owner_dir])
        gender_person = choice(rng, [0.48, 0.48, 0.01, 0.03], self.n)  # female male other unknown
        lead_gender = np.concatenate([L["gender"][lead_i], np.zeros(n_dir, dtype=np.int64)])
        name_gender = np.where(from_lead, lead_gender, (gender_person == 1).astype(np.int64))
        gender_code = np.where(
            is_company | from_lead,
            np.where(~is_company | (rng.random(self.n) < 0.5), name_gender, -1),
            np.where(gender_person == 3, -1, gender_person),
        )
        pools = w.pools
        new_names = pools.names(rng, country, name_gender)
        new_emails = pools.emails(rng, country)
        new_phones = phones(rng, country)
        lead_rows = pa.array(np.concatenate([lead_i, np.full(n_dir, -1)]), mask=~from_lead)
        lead_names = L["full_name"].take(lead_rows)
        full_name = pc.if_else(pa.array(from_lead), lead_names, new_names)
        email = pc.coalesce(L["email"].take(lead_rows), new_emails)
        phone = pc.coalesce(L["phone"].take(lead_rows), strings_where(rng.random(self.n) < 0.85, new_phones))
        company = pc.if_else(
            pa.array(from_lead),
            pc.coalesce(L["company"].take(lead_rows), pools.companies(rng, country)),
            pools.companies(rng, country),
        )
        company = pc.if_else(pa.array(is_company), company, pa.scalar(None, pa.string()))
        city_idx = np.zeros(self.n, dtype=np.int64)
        for ci, c in enumerate(COUNTRY_CODES):
            rows = np.flatnonzero(country == ci)
            city_idx[rows] = choice(rng, zipf_weights(len(CITIES[c])), len(rows))
        flat_cities = pa.array([city for c in COUNTRY_CODES for city in CITIES[c]])
        city_offset = np.cumsum([0] + [len(CITIES[c]) for c in COUNTRY_CODES])[:-1]
        city = flat_cities.take(pa.array(city_offset[country] + city_idx))
        age_days = (rng.uniform(18, 80, self.n) * 365.25).astype(np.int64)
        birth = np.where(~is_company & (rng.random(self.n) < 0.95), created // DAY - age_days, NA)
        industry = np.where(is_company, choice(rng, zipf_weights(10, 0.5), self.n), -1)
        updated = created + np.maximum(60, (rng.exponential(180.0, self.n) * DAY).astype(np.int64))
        updated = np.minimum(updated, self.end - 1)
        updated = np.where(updated <= created, np.minimum(created + 60, self.end - 1), updated)
        # company customers are billed in USD or EUR a quarter of the time
        currency = CURRENCY_OF_COUNTRY[country].copy()
        intl = is_company & (rng.random(self.n) < 0.25)
        currency[intl] = np.where(rng.random(intl.sum()) < 0.5, CUR_INDEX["USD"], CUR_INDEX["EUR"])
        difficulty = rng.normal(0.0, 0.5, self.n)

        # number customers by creation time
        order = np.argsort(created, kind="stable")
        take = pa.array(order)
        self.cust = {
            "created": created[order],
            "country": country[order],
            "tz": tz[order],
            "region": region[order],
            "is_company": is_company[order],
            "segment": segment[order],
            "owner": owner[order],
            "currency": currency[order],
            "difficulty": difficulty[order],
            "email": email.take(take),
            "from_lead": from_lead[order],
            "lead": np.concatenate([lead_i, np.full(n_dir, -1)])[order],
        }
        self.cust_num = self.ids("customers", self.n)
        # link leads and opportunities to their customer
        pos = np.empty(self.n, dtype=np.int64)
        pos[order] = np.arange(self.n)
        self.lead_customer = np.full(self.n_leads, -1, dtype=np.int64)
        self.lead_customer[lead_i] = pos[:n_won]
        self.opp_customer = np.full(len(OP["lead"]), -1, dtype=np.int64)
        self.opp_customer[won_idx] = pos[:n_won]
        self.lead_converted_at = np.full(self.n_leads, NA, dtype=np.int64)
        self.lead_converted_at[lead_i] = created[:n_won]
        L["status"][L["status"] == cat("lead_status", "converted")] = cat("lead_status", "qualified")
        L["status"][lead_i] = cat("lead_status", "converted")

        frame = Frame(
            KINDS["customers"],
            {
                "customer_id": self.cust_num,
                "customer_type": is_company[order].astype(np.int64),
                "full_name": full_name.take(take),
                "company_name": company.take(take),
                "email": email.take(take),
                "phone": phone.take(take),
                "gender": gender_code[order],
                "birth_date": birth[order],
                "country": country[order],
                "city": city.take(take),
                "segment": segment[order],
                "industry": industry[order],
                "acquisition_channel": acq[order],
                "owner_rep_id": self._rep_ids(owner[order], self.end - 1),
                "created_at": created[order],
                "updated_at": updated[order],
            },
        )
        self.emit("customers", frame, rng)

    # -- orders (BG/NBD + Gamma-Gamma) ---------------------------------------------------
    def orders(self) -> None:
        rng, w, C = self.rng, self.w, self.cust  # noqa: N806
        n = self.n
        buys = rng.random(n) < np.where(C["is_company"], 0.8, 0.95)
        quick = rng.random(n) < 0.6
        first_delay = np.where(quick, rng.exponential(2 * HOUR, n), rng.exponential(15 * DAY, n)).astype(np.int64)
        t0 = C["created"] + 60 + first_delay
        buys &= t0 < self.end - HOUR
        cust = np.flatnonzero(buys)
        t0 = t0[cust]
        # BG/NBD in seasonal operational time: positions on the cumulative seasonal curve (days)
        season = w.season
        pos0 = season.position(t0)
        horizon_days = season.position(np.array([self.end]))[0] - pos0
        lam = rng.gamma(BGNBD["r"], 1.0 / BGNBD["alpha"], len(cust))  # per week
        p_drop = rng.beta(BGNBD["a"], BGNBD["b"], len(cust))
        n_pois = rng.poisson(lam * horizon_days / 7.0)
        k_life = rng.geometric(p_drop)
        x = np.minimum(n_pois, k_life)
        grp = np.repeat(np.arange(len(cust)), n_pois)
        u = np.sort(grp + rng.random(len(grp)))
        grp = u.astype(np.int64)
        frac = u - grp
        keep = rank_in_group(grp) < x[grp]
        grp, frac = grp[keep], frac[keep]
        t_rep = season.inverse(pos0[grp] + frac * horizon_days[grp]).astype(np.int64)
        # place repeat purchases at a consumer hour of their day, staying after the first order
        day_start = (t_rep // DAY) * DAY
        tz = C["tz"][cust[grp]]
        t2 = day_start + sample_seconds_of_day(rng, len(t_rep), CONSUMER_HOURS) - tz * 60
        ok = (t2 > t0[grp]) & (t2 < self.end)
        t_rep = np.where(ok, t2, np.clip(t_rep, t0[grp] + 1, self.end - 1))
        self.truth_counts = {"customers_with_orders": len(cust), "repeat_purchases": len(t_rep)}

        v_cust = np.concatenate([cust, cust[grp]])  # customer index of each valid order
        v_t = np.concatenate([t0, t_rep])
        n_valid = len(v_t)
        # cancelled / refunded orders on top of the process
        per_cust = np.bincount(np.concatenate([np.arange(len(cust)), grp]), minlength=len(cust))
        n_bad = rng.binomial(per_cust, 0.06)
        last_valid = np.full(len(cust), 0, dtype=np.int64)
        np.maximum.at(last_valid, np.concatenate([np.arange(len(cust)), grp]), v_t)
        bad_grp = np.repeat(np.arange(len(cust)), n_bad)
        lo = t0[bad_grp] + 60
        hi = np.where(last_valid[bad_grp] > lo + 60, last_valid[bad_grp], np.minimum(lo + 30 * DAY, self.end - 1))
        b_t = lo + (rng.random(len(bad_grp)) * np.maximum(hi - lo, 1)).astype(np.int64)
        b_t = np.minimum(b_t, self.end - 1)
        b_cust = cust[bad_grp]

        o_cust = np.concatenate([v_cust, b_cust])
        o_t = np.concatenate([v_t, b_t])
        valid = np.arange(len(o_t)) < n_valid
        m = len(o_t)
        # Gamma-Gamma net value in USD
        nu = rng.gamma(GAMMA_GAMMA["q"], 1.0 / GAMMA_GAMMA["gamma"], n)
        z = rng.gamma(GAMMA_GAMMA["p"], 1.0 / nu[o_cust])
        has_disc = rng.random(m) < 0.25
        disc_rate = np.where(has_disc, rng.uniform(0.05, 0.2, m), 0.0)
        gross_usd = z / (1 - disc_rate)

        # channel, currency, rep
        company = C["is_company"][o_cust]
        ch_person = choice(rng, [0.5, 0.3, 0.05, 0.12, 0.03], m)
        ch_company = choice(rng, [0.3, 0.1, 0.3, 0.1, 0.2], m)
        channel = np.where(company, ch_company, ch_person)
        currency = C["currency"][o_cust]
        rep_needed = np.isin(channel, [cat("order_channel", c) for c in ("phone", "store", "partner")])
        rep = np.where(company, C["owner"][o_cust], -1)
        picked = w.reps.pick(rng, C["region"][o_cust], o_t, role=1)
        rep = np.where(rep_needed & (rep < 0) & (rng.random(m) < 0.6), picked, rep)
        rep = np.where(rep_needed, rep, -1)
        rep = np.where(rep >= 0, w.reps.active_or_head(rep, o_t), -1)

        # status and last update
        status = np.full(m, cat("order_status", "completed"))
        done = o_t + (rng.uniform(1, 10, m) * DAY).astype(np.int64)
        age = self.end - 1 - o_t
        updated = done.copy()
        pending = valid & (done >= self.end)
        status[pending & (age < 2 * HOUR)] = cat("order_status", "placed")
        status[pending & (age >= 2 * HOUR) & (age < DAY)] = cat("order_status", "paid")
        status[pending & (age >= DAY)] = cat("order_status", "shipped")
        updated = np.where(pending, o_t + (rng.uniform(0.3, 0.95, m) * age).astype(np.int64), updated)
        refund_at = o_t + (rng.uniform(3, 30, m) * DAY).astype(np.int64)
        refunded = ~valid & (rng.random(m) < 0.4) & (refund_at < self.end)
        cancelled = ~valid & ~refunded
        status[refunded] = cat("order_status", "refunded")
        status[cancelled] = cat("order_status", "cancelled")
        updated = np.where(refunded, refund_at, updated)
        cancel_at = o_t + (rng.uniform(600, 2 * DAY, m)).astype(np.int64)
        updated = np.where(cancelled, cancel_at, updated)
        updated = np.clip(updated, o_t + 1, self.end - 1)
        updated = np.maximum(updated, o_t)

        # order lines: products near the target unit price, quantities, prices scaled to the value
        lines = 1 + np.minimum(rng.poisson(1.5, m), 9)
        line_order = np.repeat(np.arange(m), lines)
        share = rng.gamma(1.0, 1.0, len(line_order))
        share /= np.bincount(line_order, weights=share, minlength=m)[line_order]
        qty = 1 + choice(rng, [0.7, 0.15, 0.08, 0.04, 0.03], len(line_order))
        qty = np.where(company[line_order], qty * (1 + rng.poisson(2.0, len(line_order))), qty)
        target_unit = gross_usd[line_order] * share / qty
        k = np.searchsorted(self.item_log_price, np.log(target_unit) + rng.normal(0, 0.6, len(qty)))
        product = self.item_products[np.clip(k, 0, len(self.item_products) - 1)]
        product = self.product_for(o_t[line_order], product)
        # one line per product and order: merge the quantities of repeated products
        key = line_order * len(w.catalogue.number) + product
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        qty = np.bincount(inverse, weights=qty).astype(np.int64)
        line_order, product = line_order[first], product[first]
        list_usd = self.price_usd[product]
        scale = gross_usd / np.bincount(line_order, weights=qty * list_usd, minlength=m)
        unit_usd = list_usd * scale[line_order]
        day = np.clip((o_t - self.start) // DAY, 0, self.clock.n_days - 1)
        rate = w.fx[currency, day]
        unit_cents = np.maximum(1, np.round(unit_usd / rate[line_order] * 100)).astype(np.int64)
        gross_cents = np.bincount(line_order, weights=qty * unit_cents, minlength=m)
        discount_cents = np.round(gross_cents * disc_rate).astype(np.int64)

        # number orders by time
        order = np.argsort(o_t, kind="stable")
        rank = np.empty(m, dtype=np.int64)
        rank[order] = np.arange(m)
        num = self.ids("orders", m)
        order_num = num[rank]
        self.ord = {
            "cust": o_cust,
            "t": o_t,
            "valid": valid,
            "status": status,
            "updated": updated,
            "num": order_num,
            "channel": channel,
            "net_usd": (gross_cents - discount_cents) / 100.0 * rate,
        }
        frame = Frame(
            KINDS["orders"],
            {
                "order_id": order_num[order],
                "customer_id": self.cust_num[o_cust[order]],
                "ordered_at": o_t[order],
                "status": status[order],
                "channel": channel[order],
                "currency": currency[order],
                "discount_amount": discount_cents[order],
                "sales_rep_id": np.where(rep[order] >= 0, w.reps.number[np.maximum(rep[order], 0)], -1),
                "updated_at": updated[order],
                "_cust_created": C["created"][o_cust[order]],
            },
        )
        self.emit("orders", frame, rng)
        item_sort = np.lexsort((np.arange(len(line_order)), rank[line_order]))
        n_items = len(line_order)
        frame = Frame(
            KINDS["order_items"],
            {
                "order_item_id": self.ids("order_items", n_items),
                "order_id": order_num[line_order[item_sort]],
                "product_id": w.catalogue.number[product[item_sort]],
                "quantity": qty[item_sort].astype(np.int64),
                "unit_price": unit_cents[item_sort],
            },
        )
        self.emit("order_items", frame, rng)

    # -- loyalty -------------------------------------------------------------------------
    def loyalty(self) -> None:
        rng, C, OP = self.rng, self.cust, self.ord  # noqa: N806
        member = ~C["is_company"] & (rng.random(self.n) < 0.4)
        earn_rows = np.flatnonzero(
            member[OP["cust"]] & (OP["valid"] | (OP["status"] == cat("order_status", "refunded")))
        )
        points = np.maximum(1, np.floor(OP["net_usd"][earn_rows])).astype(np.int64)
        earn_t = np.minimum(OP["t"][earn_rows] + rng.integers(1, 60, len(earn_rows)), self.end - 1)
        txn = [(OP["cust"][earn_rows], OP["num"][earn_rows], np.zeros(len(earn_rows)), points, earn_t)]
        # refunds take the points back
        ref = OP["status"][earn_rows] == cat("order_status", "refunded")
        txn.append(
            (
                OP["cust"][earn_rows[ref]],
                OP["num"][earn_rows[ref]],
                np.full(ref.sum(), 3),
                -points[ref],
                OP["updated"][earn_rows[ref]],
            )
        )
        # redemptions: at a valid order, part of the points earned on the previous valid order
        v = earn_rows[OP["valid"][earn_rows]]
        v_points = points[OP["valid"][earn_rows]]
        srt = np.lexsort((OP["t"][v], OP["cust"][v]))
        v, v_points = v[srt], v_points[srt]
        same = np.zeros(len(v), dtype=bool)
        same[1:] = OP["cust"][v][1:] == OP["cust"][v][:-1]
        prev_points = np.zeros(len(v), dtype=np.int64)
        prev_points[1:] = v_points[:-1]
        redeem = same & (prev_points >= 50) & (rng.random(len(v)) < 0.12)
        r_points = -np.floor(prev_points[redeem] * rng.uniform(0.5, 1.0, redeem.sum())).astype(np.int64)
        txn.append((OP["cust"][v[redeem]], OP["num"][v[redeem]], np.ones(redeem.sum()), r_points, OP["t"][v[redeem]]))
        cust = np.concatenate([t[0] for t in txn])
        order_num = np.concatenate([t[1] for t in txn])
        kind = np.concatenate([t[2] for t in txn]).astype(np.int64)
        pts = np.concatenate([t[3] for t in txn])
        ts = np.concatenate([t[4] for t in txn])
        # expiry of the balance a year after the last order
        balance = np.bincount(cust, weights=pts, minlength=self.n).astype(np.int64)
        last = np.zeros(self.n, dtype=np.int64)
        np.maximum.at(last, cust, ts)
        exp_at = last + 365 * DAY + rng.integers(0, DAY, self.n)
        expire = (balance > 0) & (exp_at < self.end) & (last > 0)
        e = np.flatnonzero(expire)
        cust = np.concatenate([cust, e])
        order_num = np.concatenate([order_num, np.full(len(e), -1)])
        kind = np.concatenate([kind, np.full(len(e), 2)])
        pts = np.concatenate([pts, -balance[e]])
        ts = np.concatenate([ts, exp_at[e]])
        srt = np.lexsort((kind, ts))
        frame = Frame(
            KINDS["loyalty_points"],
            {
                "points_txn_id": self.ids("loyalty_points", len(ts)),
                "customer_id": self.cust_num[cust[srt]],
                "order_id": order_num[srt],
                "txn_type": kind[srt],
                "points": pts[srt],
                "txn_at": ts[srt],
            },
        )
        self.emit("loyalty_points", frame, rng)

    # -- support tickets -----------------------------------------------------------------
    def tickets(self) -> None:
        rng, w, C = self.rng, self.w, self.cust  # noqa: N806
        tenure_years = (self.end - C["created"]) / (365.25 * DAY)
        n_orders = np.bincount(self.ord["cust"], minlength=self.n)
        rate = np.where(C["is_company"], 1.4, 0.45) * np.exp(0.6 * C["difficulty"]) * (1 + 0.03 * n_orders)
        count = rng.poisson(rate * tenure_years)
        tc = np.repeat(np.arange(self.n), count)
        m = len(tc)
        created = w.consumer.sample(
            rng, C["created"][tc] + HOUR, self.end, hours=BUSINESS_HOURS, tz_minutes=C["tz"][tc]
        )
        created = np.maximum(created, C["created"][tc] + HOUR)
        ok = created < self.end - 60
        tc, created = tc[ok], created[ok]
        m = len(tc)
        d = C["difficulty"][tc]
        priority = choice(rng, [0.3, 0.45, 0.18, 0.07], m)
        category = choice(rng, [0.2, 0.3, 0.12, 0.13, 0.17, 0.08], m)
        complaint = category == cat("ticket_category", "complaint")
        priority = np.where(complaint & (priority < 2) & (rng.random(m) < 0.5), 2, priority)
        channel = choice(rng, [0.35, 0.2, 0.25, 0.15, 0.05], m)
        resp_median_h = np.array([10.0, 5.0, 2.0, 0.6])[priority]
        resp_h = resp_median_h * np.exp(rng.normal(0, 0.9, m) + 0.3 * d)
        p_esc = np.array([0.03, 0.06, 0.15, 0.3])[priority] * np.where(complaint, 2.0, 1.0) * np.exp(0.5 * d)
        escalated = rng.random(m) < np.clip(p_esc, 0, 0.9)
        hard = np.isin(category, [cat("ticket_category", "technical"), cat("ticket_category", "complaint")])
        res_h = (
            29.0 * np.where(escalated, 3.0, 1.0) * np.where(hard, 1.8, 1.0) * np.exp(rng.normal(0, 1.0, m) + 0.3 * d)
        )
        res_h = np.maximum(res_h, resp_h + 0.1)
        reopened = rng.poisson(0.12 + 0.4 * escalated)
        first_resp = created + (resp_h * HOUR).astype(np.int64) + 60
        resolved = created + (res_h * HOUR).astype(np.int64) + 120
        is_resolved = resolved < self.end
        responded = first_resp < self.end
        status = np.where(
            is_resolved,
            np.where(resolved >= self.end - 5 * DAY, cat("ticket_status", "solved"), cat("ticket_status", "closed")),
            np.where(responded, cat("ticket_status", "pending"), cat("ticket_status", "open")),
        )
        first_resp = np.where(responded, first_resp, NA)
        resolved_out = np.where(is_resolved, resolved, NA)
        assignee = w.reps.pick(rng, C["region"][tc], created, role=2)
        assignee = np.where(~responded & (rng.random(m) < 0.3), -1, assignee)
        last = np.maximum(created, np.maximum(np.where(responded, first_resp, 0), np.where(is_resolved, resolved, 0)))
        updated = np.minimum(last + rng.integers(60, HOUR, m), self.end - 1)
        updated = np.maximum(updated, created + 1)
        product = np.where(
            rng.random(m) < 0.7,
            self.product_for(created, choice(rng, w.catalogue.popularity, m)),
            -1,
        )
        elapsed_h = np.where(is_resolved, res_h, (self.end - created) / HOUR)
        z = (
            0.9
            - 0.45 * np.log1p(elapsed_h / 24)
            - 0.8 * escalated
            - 0.35 * reopened
            - 0.2 * np.log1p(resp_h)
            - 0.5 * d
            + rng.normal(0, 0.5, m)
        )
        order = np.argsort(created, kind="stable")
        rank = np.empty(m, dtype=np.int64)
        rank[order] = np.arange(m)
        num = self.ids("support_tickets", m)[rank]
        self.tix = {"cust": tc, "created": created, "resolved": resolved_out, "z": z, "num": num}
        frame = Frame(
            KINDS["support_tickets"],
            {
                "ticket_id": num[order],
                "customer_id": self.cust_num[tc[order]],
                "product_id": np.where(product[order] >= 0, w.catalogue.number[np.maximum(product[order], 0)], -1),
                "channel": channel[order],
                "priority": priority[order],
                "category": category[order],
                "status": status[order],
                "created_at": created[order],
                "first_response_at": first_resp[order],
                "resolved_at": resolved_out[order],
                "is_escalated": escalated[order].astype(np.int64),
                "reopened_count": reopened[order].astype(np.int64),
                "assignee_rep_id": np.where(assignee[order] >= 0, w.reps.number[np.maximum(assignee[order], 0)], -1),
                "updated_at": updated[order],
                "_cust_created": C["created"][tc[order]],
            },
        )
        self.emit("support_tickets", frame, rng)

    # -- surveys -------------------------------------------------------------------------
    def surveys(self) -> None:
        rng, w, C, T = self.rng, self.w, self.cust, self.tix  # noqa: N806
        # after resolved tickets
        resolved = T["resolved"] != NA
        pick = np.flatnonzero(resolved & (rng.random(len(resolved)) < 0.35))
        t1 = T["resolved"][pick] + 60 + (rng.exponential(20.0, len(pick)) * HOUR).astype(np.int64)
        keep = t1 < self.end
        pick, t1 = pick[keep], t1[keep]
        s1 = T["z"][pick] + rng.normal(0, 0.3, len(pick))
        type1 = choice(rng, [0.15, 0.6, 0.25], len(pick))  # nps csat ces
        ch1 = choice(rng, [0.6, 0.2, 0.15, 0.05], len(pick))
        # relationship NPS, driven by the experience so far
        tenure_years = (self.end - C["created"]) / (365.25 * DAY)
        cnt = rng.poisson(0.45 * tenure_years)
        rc = np.repeat(np.arange(self.n), cnt)
        lo = C["created"][rc] + 7 * DAY
        ok = lo < self.end - HOUR
        rc, lo = rc[ok], lo[ok]
        t2 = w.consumer.sample(rng, lo, self.end, hours=CONSUMER_HOURS, tz_minutes=C["tz"][rc])
        n_before = count_before(T["cust"], T["created"], rc, t2)
        z_before = sum_before(T["cust"], T["created"], T["z"], rc, t2)
        mean_z = np.where(n_before > 0, z_before / np.maximum(n_before, 1), 0.4)
        s2 = 0.8 * mean_z - 0.12 * n_before - 0.5 * C["difficulty"][rc] + rng.normal(0, 0.8, len(rc)) + 0.2
        cust = np.concatenate([T["cust"][pick], rc])
        ticket = np.concatenate([T["num"][pick], np.full(len(rc), -1)])
        t = np.concatenate([t1, t2])
        s = np.concatenate([s1, s2])
        stype = np.concatenate([type1, np.zeros(len(rc), dtype=np.int64)])
        channel = np.concatenate([ch1, choice(rng, [0.5, 0.3, 0.2, 0.0], len(rc))])
        score = np.select(
            [stype == 0, stype == 1],
            [np.clip(np.round(7.6 + 1.9 * s), 0, 10), np.clip(np.round(4.0 + 0.9 * s), 1, 5)],
            np.clip(np.round(2.8 - 1.3 * s), 1, 7),
        ).astype(np.int64)
        band = np.select(
            [stype == 0, stype == 1],
            [np.digitize(score, [7, 9]), np.digitize(score, [3, 5])],
            2 - np.digitize(score, [3, 5]),
        )
        lang = np.array(["en", "vi", "fa", "zh", "ru"])
        lang_of_country = np.array([list(lang).index(LANGUAGE_OF_COUNTRY[c]) for c in COUNTRY_CODES])
        li = lang_of_country[C["country"][cust]]
        flat = [c for lg in lang for b in range(3) for c in COMMENTS[lg][b]]
        k = rng.integers(0, 3, len(cust))
        comment_idx = li * 9 + band * 3 + k
        has_comment = rng.random(len(cust)) < 0.35
        comment = pa.array(flat).take(pa.array(comment_idx, mask=~has_comment))
        self.detractors = (cust[(stype == 0) & (score <= 6)], t[(stype == 0) & (score <= 6)])
        order = np.argsort(t, kind="stable")
        frame = Frame(
            KINDS["survey_responses"],
            {
                "response_id": self.ids("survey_responses", len(t)),
                "customer_id": self.cust_num[cust[order]],
                "ticket_id": ticket[order],
                "survey_type": stype[order],
                "channel": channel[order],
                "responded_at": t[order],
                "score": score[order],
                "ces_scale": np.where(stype[order] == 2, 0, -1),
                "comment": comment.take(pa.array(order)),
                "_cust_created": C["created"][cust[order]],
            },
        )
        self.emit("survey_responses", frame, rng)

    # -- subscriptions -------------------------------------------------------------------
    def subscriptions(self) -> None:
        rng, w, C, T = self.rng, self.w, self.cust, self.tix  # noqa: N806
        n = self.n
        subscribes = rng.random(n) < np.where(C["is_company"], 0.55, 0.10)
        start_day = C["created"] // DAY + 1 + rng.exponential(40.0, n).astype(np.int64)
        subscribes &= start_day < self.clock.end_day - 1
        sc = np.flatnonzero(subscribes)
        k = len(sc)
        seg = C["segment"][sc]
        plan_w = np.array([[0.8, 0.2, 0.0], [0.5, 0.5, 0.0], [0.2, 0.6, 0.2], [0.0, 0.3, 0.7]])
        plan = (rng.random(k)[:, None] > np.cumsum(plan_w[seg], axis=1)).sum(1).clip(0, 2)
        seats = np.where(C["is_company"][sc], np.maximum(1, np.round(np.exp(rng.normal(1.5, 0.9, k)))), 1)
        price = np.array([29.0, 99.0, 499.0])
        currency = C["currency"][sc]
        product = self.sub_products[rng.integers(0, len(self.sub_products), k)]
        term = np.array([12, 24, 6])[choice(rng, [0.65, 0.15, 0.2], k)]
        day0 = np.clip(start_day[sc] - self.clock.start_day, 0, self.clock.n_days - 1)
        mrr = np.round(price[plan] * seats**0.8 / w.fx[currency, day0] * 100).astype(np.int64)
        start = start_day[sc]
        prev = np.full(k, -1, dtype=np.int64)
        det_c, det_t = self.detractors
        rows = []
        cur = np.arange(k)
        as_of_day = self.clock.end_day - 1
        for _ in range(40):
            if len(cur) == 0:
                break
            end_day = start[cur] + np.round(term[cur] * 30.44).astype(np.int64) - 1
            decide = end_day * DAY
            cust = sc[cur]
            n_tix = count_before(T["cust"], T["created"], cust, decide)
            det = count_before(det_c, det_t, cust, decide) > 0
            churn = np.clip(0.1 + 0.05 * n_tix + 0.25 * det, 0, 0.9)
            u = rng.random(len(cur))
            cancel_at = start[cur] * DAY + (rng.uniform(0.1, 0.95, len(cur)) * (end_day - start[cur]) * DAY).astype(
                np.int64
            )
            cancel_at = (cancel_at // DAY) * DAY + rng.integers(8 * HOUR, 18 * HOUR, len(cur))
            cancel = (u < churn * 0.35) & (cancel_at < self.end)
            ended = end_day < as_of_day
            expire = ~cancel & (u < churn) & ended
            renew = ~cancel & ~expire & ended
            status = np.full(len(cur), cat("subscription_status", "active"))
            status[cancel] = cat("subscription_status", "cancelled")
            status[expire] = cat("subscription_status", "expired")
            status[renew] = cat("subscription_status", "renewed")
            reason_w = np.stack(
                [
                    np.full(len(cur), 0.25),
                    np.full(len(cur), 0.2),
                    np.full(len(cur), 0.2),
                    0.1 + 0.08 * n_tix,
                    np.full(len(cur), 0.15),
                    np.full(len(cur), 0.1),
                ],
                axis=1,
            )
            reason = (rng.random(len(cur))[:, None] * reason_w.sum(1)[:, None] > np.cumsum(reason_w, axis=1)).sum(1)
            reason = np.where(cancel, np.clip(reason, 0, 5), -1)
            after_end = (end_day + 1) * DAY + rng.integers(HOUR, 12 * HOUR, len(cur))
            updated = np.where(
                cancel,
                cancel_at,
                np.where(expire | renew, after_end, start[cur] * DAY + rng.integers(HOUR, 2 * DAY, len(cur))),
            )
            updated = np.minimum(updated, self.end - 1)
            rows.append(
                (
                    cur.copy(),
                    start[cur].copy(),
                    end_day,
                    status,
                    prev[cur].copy(),
                    np.where(cancel, cancel_at, NA),
                    reason,
                    updated,
                    mrr[cur].copy(),
                    plan[cur].copy(),
                )
            )
            # renewals become new contracts
            nxt = cur[renew]
            row_id_base = sum(len(r[0]) for r in rows) - len(cur)
            prev[nxt] = row_id_base + np.flatnonzero(renew)
            start[nxt] = end_day[renew] + 1
            upgrade = rng.random(len(nxt)) < 0.1
            plan[nxt] = np.minimum(plan[nxt] + upgrade, 2)
            mrr[nxt] = np.round(mrr[nxt] * rng.uniform(1.0, 1.08, len(nxt)) * np.where(upgrade, 2.5, 1.0)).astype(
                np.int64
            )
            cur = nxt
        sub = np.concatenate([r[0] for r in rows])
        s_start = np.concatenate([r[1] for r in rows])
        s_end = np.concatenate([r[2] for r in rows])
        s_status = np.concatenate([r[3] for r in rows])
        s_prev = np.concatenate([r[4] for r in rows])
        s_cancel = np.concatenate([r[5] for r in rows])
        s_reason = np.concatenate([r[6] for r in rows])
        s_upd = np.concatenate([r[7] for r in rows])
        s_mrr = np.concatenate([r[8] for r in rows])
        s_plan = np.concatenate([r[9] for r in rows])
        m = len(sub)
        order = np.lexsort((np.arange(m), s_start))
        rank = np.empty(m, dtype=np.int64)
        rank[order] = np.arange(m)
        num = self.ids("subscriptions", m)[rank]
        prev_num = np.where(s_prev >= 0, num[np.maximum(s_prev, 0)], -1)
        cust = sc[sub]
        frame = Frame(
            KINDS["subscriptions"],
            {
                "subscription_id": num[order],
                "customer_id": self.cust_num[cust[order]],
                "product_id": w.catalogue.number[product[sub[order]]],
                "plan": s_plan[order],
                "mrr": s_mrr[order],
                "currency": currency[sub[order]],
                "contract_start_date": s_start[order],
                "contract_end_date": s_end[order],
                "status": s_status[order],
                "renewal_of_subscription_id": prev_num[order],
                "cancelled_at": s_cancel[order],
                "cancel_reason": s_reason[order],
                "updated_at": s_upd[order],
                "_cust_created": C["created"][cust[order]],
            },
        )
        self.emit("subscriptions", frame, rng)

    # -- web sessions --------------------------------------------------------------------
    def _attribute(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Campaign (entry) of each session by the day's bought traffic, else organic; source, medium."""
        rng, w = self.rng, self.w
        day = np.clip((t - self.start) // DAY, 0, self.clock.n_days - 1)
        paid = w.spend.paid_per_day[day]
        p_paid = paid / (paid + w.organic_sessions[day])
        entry = np.where(rng.random(len(t)) < p_paid, w.spend.campaign_on_day(rng, day), -1)
        campaign = np.where(entry >= 0, w.spend.campaign[np.maximum(entry, 0)], -1)
        channel = np.where(entry >= 0, w.spend.channel[np.maximum(entry, 0)], -1)
        src_v, med_v = V["session_source"], V["session_medium"]

        def s(name: str) -> int:
            return src_v.index(name)

        def md(name: str) -> int:
            return med_v.index(name)

        organic = [
            (s("google"), md("organic"), 0.38),
            (s("bing"), md("organic"), 0.05),
            (s("direct"), md("none"), 0.32),
            (s("facebook"), md("social"), 0.1),
            (s("instagram"), md("social"), 0.04),
            (s("partner_site"), md("referral"), 0.06),
            (s("newsletter"), md("email"), 0.05),
        ]
        k = choice(rng, [o[2] for o in organic], len(t))
        source = np.array([o[0] for o in organic])[k]
        medium = np.array([o[1] for o in organic])[k]
        by_channel = {
            "paid_search": ([s("google"), s("bing")], [0.75, 0.25], md("cpc")),
            "social": ([s("facebook"), s("instagram"), s("linkedin")], [0.5, 0.3, 0.2], md("social")),
            "email": ([s("newsletter")], [1.0], md("email")),
            "display": ([s("programmatic")], [1.0], md("cpc")),
            "events": ([s("event_qr")], [1.0], md("referral")),
            "referral": ([s("partner_site")], [1.0], md("referral")),
            "organic": ([s("google")], [1.0], md("organic")),
        }
        for ch_name, (srcs, weights, med) in by_channel.items():
            rows = np.flatnonzero(channel == CHANNELS.index(ch_name))
            source[rows] = np.array(srcs)[choice(rng, weights, len(rows))]
            medium[rows] = med
        return campaign, source, medium

    def web_sessions(self) -> None:
        rng, w, C, OP, L = self.rng, self.w, self.cust, self.ord, self.lead  # noqa: N806
        n = self.n
        visitor = self.ids("visitors", n)  # one cookie per customer
        parts = []  # (t, visitor, customer idx or -1, lead idx or -1, kind)
        # sessions that led to web / app orders
        web = np.isin(OP["channel"], [cat("order_channel", "web"), cat("order_channel", "mobile_app")])
        oc = OP["cust"][web]
        ot = np.maximum(OP["t"][web] - rng.integers(60, 1200, web.sum()), C["created"][oc] + 1)
        ot = np.minimum(ot, OP["t"][web])
        parts.append((ot, visitor[oc], oc, np.full(len(oc), -1), np.full(len(oc), 1)))
        # browsing of known customers
        tenure_years = (self.end - C["created"]) / (365.25 * DAY)
        cnt = rng.poisson(BROWSE_SESSIONS_PER_YEAR * tenure_years * np.exp(rng.normal(0, 0.5, n)))
        bc = np.repeat(np.arange(n), cnt)
        bt = w.consumer.sample(rng, C["created"][bc] + 1, self.end, hours=CONSUMER_HOURS, tz_minutes=C["tz"][bc])
        parts.append((bt, visitor[bc], bc, np.full(len(bc), -1), np.zeros(len(bc), dtype=np.int64)))
        # visits before sign-up (same cookie, not yet known)
        cnt = rng.poisson(1.5, n)
        pc_ = np.repeat(np.arange(n), cnt)
        lo = np.maximum(C["created"][pc_] - 30 * DAY, self.start)
        ok = lo < C["created"][pc_] - 60
        pc_, lo = pc_[ok], lo[ok]
        pt = w.consumer.sample(rng, lo, C["created"][pc_] - 30, hours=CONSUMER_HOURS, tz_minutes=C["tz"][pc_])
        parts.append(
            (pt, visitor[pc_], np.full(len(pc_), -1), np.full(len(pc_), -1), np.zeros(len(pc_), dtype=np.int64))
        )
        # the session in which a web / social / email lead filled in a form
        web_lead = np.flatnonzero(np.isin(L["source"], [SRC.index(s) for s in ("web", "social", "email")]))
        lt = np.maximum(L["created"][web_lead] - rng.integers(30, 600, len(web_lead)), self.start)
        parts.append(
            (lt, self.ids("visitors", len(web_lead)), np.full(len(web_lead), -1), web_lead, np.full(len(web_lead), 2))
        )
        # anonymous visitors
        n_anon = round(self.anon_sessions_per_customer * n)
        n_vis = max(1, round(n_anon / 3))
        anon_visitor = self.ids("visitors", n_vis)
        at = w.sessions.sample(rng, self.start, self.end, n=n_anon, hours=CONSUMER_HOURS, tz_minutes=0)
        av = anon_visitor[choice(rng, zipf_weights(n_vis, 0.6), n_anon)]
        parts.append((at, av, np.full(n_anon, -1), np.full(n_anon, -1), np.zeros(n_anon, dtype=np.int64)))

        t = np.concatenate([p[0] for p in parts])
        vis = np.concatenate([p[1] for p in parts])
        cust = np.concatenate([p[2] for p in parts])
        lead = np.concatenate([p[3] for p in parts])
        kind = np.concatenate([p[4] for p in parts])
        m = len(t)
        campaign, source, medium = self._attribute(t)
        # lead sessions carry the lead's own campaign and channel
        is_lead = lead >= 0
        lc = L["campaign"][np.maximum(lead, 0)]
        campaign = np.where(is_lead, lc, campaign)
        lead_src = L["source"][np.maximum(lead, 0)]
        src_v, med_v = V["session_source"], V["session_medium"]
        lead_source = np.array([src_v.index(x) for x in ("google", "facebook", "newsletter")])
        lead_medium = np.array([med_v.index(x) for x in ("organic", "social", "email")])
        which = np.select([lead_src == SRC.index("social"), lead_src == SRC.index("email")], [1, 2], 0)
        paid_lead = is_lead & (lc >= 0) & (which == 0)
        source = np.where(is_lead, lead_source[which], source)
        medium = np.where(is_lead, lead_medium[which], medium)
        medium = np.where(paid_lead, med_v.index("cpc"), medium)
        pages = LANDING_PAGES
        lp_idx = [i for i, p in enumerate(pages) if p.startswith("/lp/")]
        organic_idx = [i for i, p in enumerate(pages) if p == "/" or p.startswith(("/blog/", "/products/", "/pricing"))]
        product_idx = [i for i, p in enumerate(pages) if p.startswith(("/products/", "/cart"))]
        form_idx = [pages.index(p) for p in ("/contact", "/demo-request", "/whitepaper", "/signup")]
        landing = np.array(organic_idx)[rng.integers(0, len(organic_idx), m)]
        landing = np.where(campaign >= 0, np.array(lp_idx)[rng.integers(0, len(lp_idx), m)], landing)
        landing = np.where(kind == 1, np.array(product_idx)[rng.integers(0, len(product_idx), m)], landing)
        landing = np.where(kind == 2, np.array(form_idx)[rng.integers(0, len(form_idx), m)], landing)
        pageviews = rng.geometric(0.38, m) + np.where(kind == 1, 2 + rng.poisson(3, m), 0) + (kind == 2)
        duration = np.where(
            pageviews > 1, (pageviews * 45 * np.exp(rng.normal(0, 0.7, m))).astype(np.int64), rng.integers(0, 15, m)
        )
        device = choice(rng, [0.48, 0.44, 0.08], m)
        mobile_app = np.zeros(m, dtype=bool)
        mobile_app[: web.sum()] = OP["channel"][web] == cat("order_channel", "mobile_app")
        device = np.where(mobile_app, cat("device", "mobile"), device)
        order = np.argsort(t, kind="stable")
        frame = Frame(
            KINDS["web_sessions"],
            {
                "session_id": self.ids("web_sessions", m),
                "visitor_id": vis[order],
                "customer_id": np.where(cust[order] >= 0, self.cust_num[np.maximum(cust[order], 0)], -1),
                "started_at": t[order],
                "source": source[order],
                "medium": medium[order],
                "campaign_id": np.where(campaign[order] >= 0, w.campaign_number[np.maximum(campaign[order], 0)], -1),
                "landing_page": landing[order],
                "pageviews": pageviews[order].astype(np.int64),
                "duration_seconds": duration[order],
                "device": device[order],
                "lead_id": np.where(lead[order] >= 0, self.lead_num[np.maximum(lead[order], 0)], -1),
            },
        )
        self.emit("web_sessions", frame, rng)

    # -- email events --------------------------------------------------------------------
    def email_events(self) -> None:
        rng, w, C, L = self.rng, self.w, self.cust, self.lead  # noqa: N806
        email_campaigns = np.flatnonzero(w.campaign_channel == CHANNELS.index("email"))
        email_campaigns = email_campaigns[np.argsort(w.campaign_start[email_campaigns], kind="stable")]
        unsub = np.zeros(self.n, dtype=bool)
        lead_unsub = np.zeros(self.n_leads, dtype=bool)
        lead_ok = ~pc.is_null(L["email"]).to_numpy(zero_copy_only=False) & (self.lead_customer < 0)
        out = []  # (campaign, cust, lead, type, t)
        p_cust = min(0.9, EMAIL_REACH_CUSTOMER / max(len(email_campaigns), 1))
        p_lead = min(0.9, EMAIL_REACH_LEAD / max(len(email_campaigns), 1))
        for c in email_campaigns:
            send = self.start + int(w.campaign_start[c]) * DAY + int(rng.integers(7 * HOUR, 11 * HOUR))
            if send >= self.end - HOUR:
                continue
            cust = np.flatnonzero((C["created"] < send - DAY) & ~unsub & (rng.random(self.n) < p_cust))
            lead = np.flatnonzero(
                lead_ok & (L["created"] < send - DAY) & ~lead_unsub & (rng.random(self.n_leads) < p_lead)
            )
            rc = np.concatenate([cust, np.full(len(lead), -1)])
            rl = np.concatenate([np.full(len(cust), -1), lead])
            k = len(rc)
            sent = send + rng.integers(0, HOUR, k)
            delivered = rng.random(k) < 0.965
            t_del = sent + rng.integers(1, 300, k)
            opened = delivered & (rng.random(k) < 0.3)
            t_open = t_del + (rng.exponential(8.0, k) * HOUR).astype(np.int64) + 1
            clicked = opened & (rng.random(k) < 0.25)
            t_click = t_open + (rng.exponential(15.0, k) * 60).astype(np.int64) + 1
            unsubscribed = delivered & (rng.random(k) < 0.008)
            t_unsub = np.where(opened, t_open, t_del) + (rng.exponential(1.0, k) * HOUR).astype(np.int64) + 1
            for typ, mask, t in (
                ("sent", np.ones(k, dtype=bool), sent),
                ("delivered", delivered, t_del),
                ("bounce", ~delivered, t_del),
                ("open", opened, t_open),
                ("click", clicked, t_click),
                ("unsubscribe", unsubscribed, t_unsub),
            ):
                mask = mask & (t < self.end)
                out.append(
                    (
                        np.full(mask.sum(), c),
                        rc[mask],
                        rl[mask],
                        np.full(mask.sum(), cat("email_event_type", typ)),
                        t[mask],
                    )
                )
            unsub[rc[unsubscribed & (rc >= 0)]] = True
            lead_unsub[rl[unsubscribed & (rl >= 0)]] = True
        if not out:
            return
        camp = np.concatenate([o[0] for o in out])
        rc = np.concatenate([o[1] for o in out])
        rl = np.concatenate([o[2] for o in out])
        typ = np.concatenate([o[3] for o in out])
        t = np.concatenate([o[4] for o in out])
        order = np.lexsort((typ, t))
        camp, rc, rl, typ, t = camp[order], rc[order], rl[order], typ[order], t[order]
        emails = pc.coalesce(
            C["email"].take(pa.array(np.maximum(rc, 0), mask=rc < 0)),
            L["email"].take(pa.array(np.maximum(rl, 0), mask=rl < 0)),
        )
        frame = Frame(
            KINDS["email_events"],
            {
                "event_id": self.ids("email_events", len(t)),
                "campaign_id": w.campaign_number[camp],
                "customer_id": np.where(rc >= 0, self.cust_num[np.maximum(rc, 0)], -1),
                "recipient_email": emails,
                "event_type": typ,
                "event_at": t,
            },
        )
        self.emit("email_events", frame, rng)

    # -- activities ----------------------------------------------------------------------
    def activities(self) -> None:
        rng, w, L, OP, C = self.rng, self.w, self.lead, self.opp, self.cust  # noqa: N806
        reps = w.reps
        at = V["activity_type"]
        parts = []  # (T, type, rep, lead, customer, opp, entity created)
        # context 0 lead, 1 opportunity, 2 account
        # lead contacts
        cl = np.flatnonzero(L["contacted"])
        typ = np.array([at.index(x) for x in ("call", "email", "meeting")])[choice(rng, [0.55, 0.4, 0.05], len(cl))]
        parts.append(
            (L["contact"][cl], typ, L["contact_owner"][cl], cl, -np.ones_like(cl), -np.ones_like(cl), L["created"][cl])
        )
        cnt = rng.poisson(0.8, len(cl))
        fl = np.repeat(cl, cnt)
        ft = L["contact"][fl] + (rng.uniform(1, 30, len(fl)) * DAY).astype(np.int64)
        typ = np.array([at.index(x) for x in ("call", "email", "note")])[choice(rng, [0.4, 0.45, 0.15], len(fl))]
        parts.append((ft, typ, L["contact_owner"][fl], fl, -np.ones_like(fl), -np.ones_like(fl), L["created"][fl]))
        # opportunity work
        n_opp = len(OP["lead"])
        n_stages = np.bincount(OP["hist_opp"], minlength=n_opp)
        cnt = rng.poisson(1.0 + 0.8 * n_stages)
        oi = np.repeat(np.arange(n_opp), cnt)
        lo = OP["created"][oi]
        closed = OP["won"] | OP["lost"]
        hi = np.where(closed[oi], OP["last_t"][oi], self.end + 20 * DAY)
        ot = lo + (rng.random(len(oi)) * (hi - lo)).astype(np.int64)
        typ = np.array([at.index(x) for x in ("meeting", "call", "email", "visit", "note")])[
            choice(rng, [0.3, 0.3, 0.25, 0.05, 0.1], len(oi))
        ]
        parts.append((ot, typ, OP["owner"][oi], OP["lead"][oi], -np.ones_like(oi), oi, lo))
        # account management of company customers
        comp = np.flatnonzero(C["is_company"])
        tenure_years = (self.end - C["created"][comp]) / (365.25 * DAY)
        cnt = rng.poisson(1.5 * tenure_years)
        ac = np.repeat(comp, cnt)
        act = w.business.sample(
            rng, C["created"][ac] + HOUR, self.end + 20 * DAY, hours=BUSINESS_HOURS, tz_minutes=C["tz"][ac]
        )
        owner = C["owner"][ac]
        owner = np.where(owner >= 0, owner, reps.head_of_region[C["region"][ac]])
        typ = np.array([at.index(x) for x in ("call", "email", "meeting", "visit", "note")])[
            choice(rng, [0.35, 0.3, 0.2, 0.1, 0.05], len(ac))
        ]
        parts.append((act, typ, owner, -np.ones_like(ac), ac, -np.ones_like(ac), C["created"][ac]))

        context = np.concatenate([np.full(len(p[0]), c) for p, c in zip(parts, (0, 0, 1, 2), strict=True)])
        T = np.concatenate([p[0] for p in parts])  # noqa: N806
        typ = np.concatenate([p[1] for p in parts])
        rep = np.concatenate([p[2] for p in parts])
        lead = np.concatenate([p[3] for p in parts])
        cust = np.concatenate([p[4] for p in parts])
        opp = np.concatenate([p[5] for p in parts])
        born = np.concatenate([p[6] for p in parts])
        m = len(T)
        instant = np.isin(typ, [at.index("email"), at.index("note")])
        drop = instant & (self.end <= T)
        keep = ~drop
        T, typ, rep, lead, cust, opp, born, instant, context = (  # noqa: N806
            a[keep] for a in (T, typ, rep, lead, cust, opp, born, instant, context)
        )
        m = len(T)
        created = np.where(instant, T, T - rng.integers(HOUR, 3 * DAY, m))
        created = np.minimum(np.maximum(created, born + 60), self.end - 1)
        T = np.maximum(T, created)  # noqa: N806
        done = instant | ((self.end - 2 * HOUR > T) & (rng.random(m) < 0.92))
        completed = np.where(instant, T, np.where(done, T + rng.integers(15 * 60, 90 * 60, m), NA))
        completed = np.where((completed != NA) & (completed >= self.end), NA, completed)
        rep = np.where(rep < 0, reps.head_of_region[0], rep)
        rep = reps.active_or_head(rep, created)
        subject = self._subjects(typ, context)
        # leads: last contact
        contact_kinds = completed != NA
        last = np.full(self.n_leads, NA, dtype=np.int64)
        lm = contact_kinds & (lead >= 0) & ~(typ == at.index("note"))
        np.maximum.at(last, lead[lm], completed[lm])
        self.lead_last_contact = last
        self.lead_last_activity = np.full(self.n_leads, 0, dtype=np.int64)
        np.maximum.at(self.lead_last_activity, lead[lead >= 0], created[lead >= 0])
        order = np.argsort(created, kind="stable")
        frame = Frame(
            KINDS["activities"],
            {
                "activity_id": self.ids("activities", m),
                "activity_type": typ[order],
                "rep_id": reps.number[rep[order]],
                "lead_id": np.where(lead[order] >= 0, self.lead_num[np.maximum(lead[order], 0)], -1),
                "customer_id": np.where(cust[order] >= 0, self.cust_num[np.maximum(cust[order], 0)], -1),
                "opportunity_id": np.where(opp[order] >= 0, self.opp_num[np.maximum(opp[order], 0)], -1),
                "subject": subject[order],
                "scheduled_at": T[order],
                "completed_at": completed[order],
                "created_at": created[order],
            },
        )
        self.emit("activities", frame, rng)

    def _subjects(self, typ: np.ndarray, context: np.ndarray) -> np.ndarray:
        """Subject line code fitting the activity type and what it is about (lead, deal, account)."""
        at = V["activity_type"]
        fits = {
            0: {
                "Intro call",
                "Discovery call",
                "Follow-up call",
                "Intro email",
                "Follow-up email",
                "Sent case study",
                "Demo meeting",
                "Note: decision maker identified",
                "Note: budget confirmed",
            },
            1: {
                "Discovery call",
                "Follow-up call",
                "Sent pricing",
                "Follow-up email",
                "Sent case study",
                "Contract sent",
                "Demo meeting",
                "Requirements workshop",
                "Negotiation meeting",
                "On-site visit",
                "Site survey",
                "Executive visit",
                "Note: budget confirmed",
                "Note: decision maker identified",
                "Note: competitor in play",
                "Note: on hold",
            },
            2: {
                "Check-in call",
                "Renewal call",
                "Follow-up email",
                "Sent case study",
                "Quarterly business review",
                "On-site visit",
                "Executive visit",
                "Note: on hold",
                "Note: budget confirmed",
            },
        }
        out = np.zeros(len(typ), dtype=np.int64)
        for ctx, allowed in fits.items():
            for ti, a in enumerate(at):
                rows = np.flatnonzero((context == ctx) & (typ == ti))
                options = [SUBJECT_VOCAB.index(x) for x in SUBJECTS[a] if x in allowed] or [
                    SUBJECT_VOCAB.index(SUBJECTS[a][0])
                ]
                out[rows] = np.array(options)[self.rng.integers(0, len(options), len(rows))]
        return out

    # -- leads, opportunities, stage history ---------------------------------------------
    def number_opportunities(self) -> None:
        OP = self.opp  # noqa: N806
        m = len(OP["lead"])
        order = np.argsort(OP["created"], kind="stable")
        rank = np.empty(m, dtype=np.int64)
        rank[order] = np.arange(m)
        self.opp_num = self.ids("opportunities", m)[rank]
        self.opp_order = order

    def emit_leads(self) -> None:
        rng, w, L, OP = self.rng, self.w, self.lead, self.opp  # noqa: N806
        reps = w.reps
        n = self.n_leads
        # pool events last touch
        pool_last = np.zeros(n, dtype=np.int64)
        for mask, t in (
            (L["released"], L["release_at"]),
            (L["claim"] | L["reclaim"], L["claim_at"]),
            (L["frozen"], L["freeze_at"]),
            (L["restored"], L["restore_at"]),
            (L["manual"], L["manual_at"]),
        ):
            pool_last = np.where(mask, np.maximum(pool_last, t), pool_last)
        opp_last = np.zeros(n, dtype=np.int64)
        np.maximum.at(opp_last, OP["lead"], OP["last_t"])
        last = np.maximum.reduce(
            [
                L["created"],
                pool_last,
                opp_last,
                self.lead_last_activity,
                np.where(self.lead_converted_at == NA, 0, self.lead_converted_at),
            ]
        )
        updated = np.minimum(last + rng.integers(60, 2 * HOUR, n), self.end - 1)
        updated = np.maximum(updated, np.minimum(L["created"] + 60, self.end - 1))
        order = L["order"]
        owner = L["eff_owner"]
        frame = Frame(
            KINDS["leads"],
            {
                "lead_id": self.lead_num[order],
                "full_name": L["full_name"].take(pa.array(order)),
                "email": L["email"].take(pa.array(order)),
                "phone": L["phone"].take(pa.array(order)),
                "company_name": L["company"].take(pa.array(order)),
                "lead_source": L["source"][order],
                "campaign_id": np.where(
                    L["campaign"][order] >= 0, w.campaign_number[np.maximum(L["campaign"][order], 0)], -1
                ),
                "owner_rep_id": self._rep_ids(owner[order], self.end - 1),
                "status": L["status"][order],
                "created_at": L["created"][order],
                "last_contacted_at": self.lead_last_contact[order],
                "converted_customer_id": np.where(
                    self.lead_customer[order] >= 0, self.cust_num[np.maximum(self.lead_customer[order], 0)], -1
                ),
                "converted_at": self.lead_converted_at[order],
                "updated_at": updated[order],
            },
        )
        self.emit("leads", frame, rng)

        # opportunities
        m = len(OP["lead"])
        oo = self.opp_order
        lead = OP["lead"]
        source = L["source"][lead]
        seg_amount = np.where(
            L["is_company"][lead], np.exp(rng.normal(np.log(18_000), 0.9, m)), np.exp(rng.normal(np.log(1_500), 0.6, m))
        )
        currency = np.where(rng.random(m) < 0.6, CURRENCY_OF_COUNTRY[L["country"][lead]], CUR_INDEX["USD"])
        currency = np.where(
            (currency == CUR_INDEX["USD"]) & (REGION_OF_COUNTRY[L["country"][lead]] == 1) & (rng.random(m) < 0.5),
            CUR_INDEX["EUR"],
            currency,
        )
        amount = w.to_local(np.round(seg_amount, -1), currency, OP["created"])
        product = self.product_for(
            OP["created"], choice(rng, w.catalogue.popularity * np.where(w.catalogue.is_subscription, 3.0, 1.0), m)
        )
        stage = OP["stage"]
        closed = stage >= 4
        close_day = np.where(closed, OP["last_t"] // DAY, NA)
        expected = OP["created"] // DAY + rng.integers(30, 120, m)
        lost_reason = np.where(stage == 5, choice(rng, [0.3, 0.2, 0.15, 0.15, 0.1, 0.1], m), -1)
        prob = np.array([10, 20, 50, 75, 100, 0])[stage]
        upd = np.minimum(OP["last_t"] + rng.integers(60, 6 * HOUR, m), self.end - 1)
        upd = np.maximum(upd, np.minimum(OP["created"] + 60, self.end - 1))
        frame = Frame(
            KINDS["opportunities"],
            {
                "opportunity_id": self.opp_num[oo],
                "customer_id": np.where(
                    self.opp_customer[oo] >= 0, self.cust_num[np.maximum(self.opp_customer[oo], 0)], -1
                ),
                "lead_id": self.lead_num[lead[oo]],
                "owner_rep_id": reps.number[OP["owner"][oo]],
                "product_id": w.catalogue.number[product[oo]],
                "amount": amount[oo],
                "currency": currency[oo],
                "created_at": OP["created"][oo],
                "expected_close_date": expected[oo],
                "actual_close_date": close_day[oo],
                "stage": stage[oo],
                "lost_reason": lost_reason[oo],
                "stage_probability": prob[oo].astype(np.int64),
                "updated_at": upd[oo],
            },
        )
        self.emit("opportunities", frame, rng)
        del source

        # stage history
        ho, hs, ht = OP["hist_opp"], OP["hist_stage"], OP["hist_t"]
        k = len(ho)
        by = np.where(rng.random(k) < 0.9, OP["owner"][ho], reps.head_of_region[reps.region[OP["owner"][ho]]])
        by = reps.active_or_head(by, ht)
        srt = np.lexsort((hs, ht))
        frame = Frame(
            KINDS["opportunity_stage_history"],
            {
                "stage_history_id": self.ids("opportunity_stage_history", k),
                "opportunity_id": self.opp_num[ho[srt]],
                "stage": hs[srt],
                "entered_at": ht[srt],
                "changed_by_rep_id": reps.number[by[srt]],
            },
        )
        self.emit("opportunity_stage_history", frame, rng)

    def lead_pool_events(self) -> None:
        rng, L = self.rng, self.lead  # noqa: N806
        reps = self.w.reps
        ev = V["pool_event_type"]
        rs = V["pool_event_reason"]
        parts = []
        r = np.flatnonzero(L["released"])
        parts.append((r, ev.index("released"), L["owner"][r], L["release_at"][r], rs.index("no_follow_up_in_time")))
        r = np.flatnonzero(L["claim"])
        parts.append((r, ev.index("claimed"), L["contact_owner"][r], L["claim_at"][r], rs.index("claimed_from_pool")))
        r = np.flatnonzero(L["reclaim"])
        parts.append((r, ev.index("reclaimed"), L["owner"][r], L["claim_at"][r], rs.index("owner_reclaimed")))
        r = np.flatnonzero(L["frozen"])
        reason = np.where(rng.random(len(r)) < 0.6, rs.index("invalid_contact_data"), rs.index("do_not_contact"))
        parts.append((r, ev.index("frozen"), np.full(len(r), -1), L["freeze_at"][r], reason))
        r = np.flatnonzero(L["restored"])
        parts.append((r, ev.index("restored"), np.full(len(r), -1), L["restore_at"][r], rs.index("data_corrected")))
        r = np.flatnonzero(L["manual"])
        parts.append((r, ev.index("released"), L["contact_owner"][r], L["manual_at"][r], rs.index("manual_release")))
        lead = np.concatenate([p[0] for p in parts])
        typ = np.concatenate([np.full(len(p[0]), p[1]) for p in parts])
        rep = np.concatenate([p[2] for p in parts])
        t = np.concatenate([p[3] for p in parts])
        reason = np.concatenate([np.broadcast_to(p[4], len(p[0])) for p in parts])
        rep = np.where(rep >= 0, reps.active_or_head(rep, t), -1)
        order = np.lexsort((typ, t))
        frame = Frame(
            KINDS["lead_pool_events"],
            {
                "pool_event_id": self.ids("lead_pool_events", len(t)),
                "lead_id": self.lead_num[lead[order]],
                "event_type": typ[order],
                "rep_id": np.where(rep[order] >= 0, reps.number[np.maximum(rep[order], 0)], -1),
                "event_at": t[order],
                "reason": reason[order],
            },
        )
        self.emit("lead_pool_events", frame, rng)
