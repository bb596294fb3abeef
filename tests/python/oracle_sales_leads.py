"""Leads and the shared lead pool, recomputed in plain Python from the accepted raw rows.

Reads what ``oracle.accept_all`` accepts from the raw CSV exports and applies the rules of
DECISIONLOG.md ("Sales: leads and the shared lead pool") without SQL: the as-of date, each
lead's conversion and abandonment, the pool state machine, and the monthly and weekly
aggregates of rpt_lead_conversion_monthly and rpt_lead_pool_weekly.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from oracle import Accepted, clean, label, load_categories, parse_day, parse_ts

LEAD_ABANDONMENT_DAYS = 30  # dbt var lead_abandonment_days (its default)
LEAD_POOL_FOLLOW_UP_DAYS = 14  # dbt var lead_pool_follow_up_days (its default)
STATE_AFTER = {
    "released": "in_pool",
    "claimed": "owned",
    "reclaimed": "owned",
    "frozen": "frozen",
    "restored": "in_pool",
}
EXPECTED_BEFORE = {
    "released": "owned",
    "claimed": "in_pool",
    "reclaimed": "in_pool",
    "frozen": "in_pool",
    "restored": "frozen",
}
MEDIUM_TO_SOURCE = {"social": "social", "email": "email", "referral": "referral"}  # any other medium: web


def as_of_date(accepted: dict[str, Accepted]) -> date:
    """The latest UTC date among accepted orders, web sessions, opportunities, tickets and activities."""
    columns = {
        "orders": "ordered_at",
        "web_sessions": "started_at",
        "opportunities": "created_at",
        "support_tickets": "created_at",
        "activities": "created_at",
    }
    days = [parse_day(row[column]) for table, column in columns.items() for row in accepted[table].rows.values()]
    return max(day for day in days if day is not None)


@dataclass
class PoolEvent:
    event_id: str
    event_type: str
    rep_id: str | None
    at: datetime


@dataclass
class Lead:
    lead_id: str
    source: str
    owner_rep_id: str | None
    created: datetime
    first_opportunity: datetime | None = None
    customer_converted: datetime | None = None
    last_follow_up: datetime | None = None
    events: list[PoolEvent] = field(default_factory=list)

    @property
    def converted(self) -> datetime | None:
        moments = [m for m in (self.first_opportunity, self.customer_converted) if m is not None]
        return min(moments) if moments else None


def leads_as_of(accepted: dict[str, Accepted], as_of: date) -> dict[str, Lead]:
    """Every lead created on or before the as-of date, with what happened to it by then."""
    leads: dict[str, Lead] = {}
    for row in accepted["leads"].rows.values():
        created = parse_ts(row["created_at"])
        if created.date() > as_of:
            continue
        converted = parse_ts(row["converted_at"])
        lead = Lead(
            lead_id=clean(row["lead_id"]),
            source=label(row["lead_source"]) or "unknown",
            owner_rep_id=clean(row["owner_rep_id"]),
            created=created,
            customer_converted=converted if converted is not None and converted.date() <= as_of else None,
        )
        leads[lead.lead_id] = lead
    for row in accepted["opportunities"].rows.values():
        lead = leads.get(clean(row["lead_id"]) or "")
        created = parse_ts(row["created_at"])
        if lead and created.date() <= as_of and (lead.first_opportunity is None or created < lead.first_opportunity):
            lead.first_opportunity = created
    for row in accepted["activities"].rows.values():
        lead = leads.get(clean(row["lead_id"]) or "")
        completed = parse_ts(row["completed_at"])
        if lead and completed is not None and completed.date() <= as_of:
            lead.last_follow_up = max(lead.last_follow_up or completed, completed)
    event_types = load_categories()["pool_event_type"]
    for row in accepted["lead_pool_events"].rows.values():
        lead = leads.get(clean(row["lead_id"]) or "")
        at = parse_ts(row["event_at"])
        if lead and at.date() <= as_of:
            event = PoolEvent(
                clean(row["pool_event_id"]), event_types[label(row["event_type"])], clean(row["rep_id"]), at
            )
            lead.events.append(event)
    for lead in leads.values():
        lead.events.sort(key=lambda event: (event.at, event.event_id))
    return leads


def is_abandoned(lead: Lead, as_of: date, days: int = LEAD_ABANDONMENT_DAYS) -> bool:
    touch = lead.created.date()
    if lead.last_follow_up is not None and lead.last_follow_up.date() > touch:
        touch = lead.last_follow_up.date()
    return lead.converted is None and (as_of - touch).days >= days


@dataclass
class Walk:
    """A lead's pool events replayed: (event, state before, state after, pool spell start) each."""

    steps: list[tuple[PoolEvent, str, str, datetime | None]]

    @property
    def state(self) -> str:
        return self.steps[-1][2] if self.steps else "owned"


def walk(lead: Lead) -> Walk:
    state, spell_start, steps = "owned", None, []
    for event in lead.events:
        after = STATE_AFTER[event.event_type]
        if after == "in_pool" and state != "in_pool":
            spell_start = event.at
        steps.append((event, state, after, spell_start if after == "in_pool" else None))
        state = after
    return Walk(steps)


def pool_row(lead: Lead, as_of: date, follow_up_days: int = LEAD_POOL_FOLLOW_UP_DAYS) -> dict:
    """What fct_lead_pool must say of one lead."""
    steps = walk(lead).steps
    last = steps[-1] if steps else None
    state = "converted" if lead.converted is not None else (last[2] if last else "owned")
    owned_since = None
    if state == "owned":
        owned_since = last[0].at if last else lead.created
    touches = [lead.created] + [m for m in (lead.last_follow_up, last[0].at if last else None) if m is not None]
    counts = {kind: sum(1 for step in steps if step[0].event_type == kind) for kind in STATE_AFTER}
    return {
        "pool_state": state,
        "days_unattended": None if state == "converted" else (as_of - max(touches).date()).days,
        "is_due_to_pool": state == "owned"
        and (lead.last_follow_up is None or lead.last_follow_up < owned_since)
        and (as_of - owned_since.date()).days >= follow_up_days,
        "is_ever_pooled": any(after == "in_pool" and before != "in_pool" for _, before, after, _ in steps),
        "release_count": counts["released"],
        "claim_count": counts["claimed"],
        "reclaim_count": counts["reclaimed"],
        "freeze_count": counts["frozen"],
        "restore_count": counts["restored"],
        "out_of_sequence_event_count": sum(
            1 for event, before, _, _ in steps if before != EXPECTED_BEFORE[event.event_type]
        ),
        "last_event_type": last[0].event_type if last else None,
    }


def lead_pool(leads: dict[str, Lead], as_of: date) -> dict[str, dict]:
    return {lead_id: pool_row(lead, as_of) for lead_id, lead in leads.items()}


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _month(day: date) -> date:
    return day.replace(day=1)


def lead_conversion_monthly(
    accepted: dict[str, Accepted], leads: dict[str, Lead], as_of: date
) -> dict[tuple[date, str], dict]:
    """What rpt_lead_conversion_monthly must say, by (month_start_date, lead_source), zeros included."""
    sessions: dict[tuple[date, str], int] = defaultdict(int)
    for row in accepted["web_sessions"].rows.values():
        day = parse_day(row["started_at"])
        if day > as_of:
            continue
        source = MEDIUM_TO_SOURCE.get(label(row["medium"]) or "", "web")
        for key in ((_month(day), source), (_month(day), "all")):
            sessions[key] += 1
    cohorts: dict[tuple[date, str], list[Lead]] = defaultdict(list)
    for lead in leads.values():
        for source in (lead.source, "all"):
            cohorts[(_month(lead.created.date()), source)].append(lead)
    months_seen = [month for month, _ in [*sessions, *cohorts]]
    sources = {source for _, source in [*sessions, *cohorts]}
    months, month = [], min(months_seen)
    while month <= _month(as_of):
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    result = {}
    for month in months:
        for source in sources:
            cohort = cohorts.get((month, source), [])
            created = len(cohort)
            to_opportunity = [lead for lead in cohort if lead.first_opportunity is not None]
            to_customer = [lead for lead in cohort if lead.customer_converted is not None]
            abandoned = sum(1 for lead in cohort if is_abandoned(lead, as_of))
            web = sessions.get((month, source), 0)
            result[(month, source)] = {
                "web_sessions": web,
                "leads_created": created,
                "traffic_to_lead_rate": _rate(created, web),
                "leads_converted_to_opportunity": len(to_opportunity),
                "opportunity_conversion_rate": _rate(len(to_opportunity), created),
                "leads_converted_to_customer": len(to_customer),
                "customer_conversion_rate": _rate(len(to_customer), created),
                "median_days_to_opportunity": _median(
                    [(lead.first_opportunity.date() - lead.created.date()).days for lead in to_opportunity]
                ),
                "median_days_to_customer": _median(
                    [(lead.customer_converted.date() - lead.created.date()).days for lead in to_customer]
                ),
                "leads_abandoned": abandoned,
                "abandonment_rate": _rate(abandoned, created),
            }
    return result


def lead_pool_weekly(leads: dict[str, Lead], as_of: date) -> dict[date, dict]:
    """What rpt_lead_pool_weekly must say, by week_start_date (ISO weeks, Monday first)."""
    if not leads:
        return {}
    first = min(lead.created.date() for lead in leads.values())
    walks = {lead_id: walk(lead) for lead_id, lead in leads.items()}
    result = {}
    week = first - timedelta(days=first.weekday())
    while week <= as_of:
        end = week + timedelta(days=6)
        measured = min(end, as_of)
        in_pool, frozen, days_in_pool = 0, 0, []
        flows: dict[str, int] = defaultdict(int)
        claimed, claimed_converted = 0, 0
        never_pooled, never_pooled_converted = 0, 0
        for lead_id, lead in leads.items():
            steps = walks[lead_id].steps
            known = [step for step in steps if step[0].at.date() <= measured]
            converted_by_then = lead.converted is not None and lead.converted.date() <= measured
            if known and not converted_by_then:
                if known[-1][2] == "in_pool":
                    in_pool += 1
                    days_in_pool.append((measured - known[-1][3].date()).days)
                elif known[-1][2] == "frozen":
                    frozen += 1
            in_week = [step[0] for step in steps if week <= step[0].at.date() <= end]
            for event in in_week:
                flows[event.event_type] += 1
            if any(event.event_type in ("claimed", "reclaimed") for event in in_week):
                claimed += 1
                claimed_converted += lead.converted is not None
            pooled = any(after == "in_pool" and before != "in_pool" for _, before, after, _ in steps)
            if not pooled and week <= lead.created.date() <= end:
                never_pooled += 1
                never_pooled_converted += lead.converted is not None
        result[week] = {
            "pool_size_at_week_end": in_pool,
            "frozen_at_week_end": frozen,
            "median_days_in_pool": _median(days_in_pool),
            "releases": flows["released"],
            "claims": flows["claimed"],
            "reclaims": flows["reclaimed"],
            "freezes": flows["frozen"],
            "restores": flows["restored"],
            "leads_claimed_from_pool": claimed,
            "claimed_conversion_rate": _rate(claimed_converted, claimed),
            "leads_never_pooled": never_pooled,
            "never_pooled_conversion_rate": _rate(never_pooled_converted, never_pooled),
        }
        week += timedelta(days=7)
    return result
