"""The weekly CRM adoption of each rep (rpt_crm_adoption_weekly), recomputed in plain Python from the raw CSVs.

Builds on ``oracle.accept_all`` (the accepted rows) and ``oracle_sales_leads`` (the as-of date and each lead's
conversion as of it); no SQL. The rules are the ones of DECISIONLOG.md, "CRM adoption: the weekly rep table":

- weeks are ISO weeks (Monday to Sunday) of UTC dates; a rep has a row for every week from the week of its first
  login, activity created or owned lead created (on or before the as-of date) to the as-of week; the as-of week is
  measured at the as-of date;
- logins and distinct login days by the UTC date of logged_in_at; activities and notes (activity_type note) by the
  UTC date of created_at, for the activity's rep;
- the rep's open leads at the end of the measured day (created by then, not converted by then; owner = the export's
  current owner) and the abandoned ones among them: last touch (the later of creation and the last completed
  activity on the lead by then) at least LEAD_ABANDONMENT_DAYS days before;
- a lead's touch window closes LEAD_ABANDONMENT_DAYS days after its creation date; it counts in the week holding
  that day (on or before the as-of date), touched when a completed activity on the lead is dated on or before it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from oracle import Accepted, clean, label, load_categories, parse_ts
from oracle_sales_leads import LEAD_ABANDONMENT_DAYS, as_of_date, leads_as_of

ADOPTION_SQL = (
    "select rep_id, week_start_date, week_end_date, measured_on_date, is_complete_week, logins, login_days,"
    " activities_created, notes_created, open_leads_owned, leads_abandoned, lead_abandonment_rate,"
    " leads_touch_window_closed, leads_touched_in_window, touched_in_window_share"
    " from marts.rpt_crm_adoption_weekly"
)


@dataclass
class RepWeek:
    """The figures of one (rep, week) row."""

    week_end: date
    measured_on: date
    logins: int = 0
    login_days: int = 0
    activities_created: int = 0
    notes_created: int = 0
    open_leads_owned: int = 0
    leads_abandoned: int = 0
    leads_touch_window_closed: int = 0
    leads_touched_in_window: int = 0

    @property
    def lead_abandonment_rate(self) -> float | None:
        return self.leads_abandoned / self.open_leads_owned if self.open_leads_owned else None

    @property
    def touched_in_window_share(self) -> float | None:
        return self.leads_touched_in_window / self.leads_touch_window_closed if self.leads_touch_window_closed else None


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def adoption_weeks(accepted: dict[str, Accepted]) -> dict[tuple[str, date], RepWeek]:
    """(rep_id, week Monday) -> the week's figures, every week of every rep with a row."""
    as_of = as_of_date(accepted)
    reps = {clean(row["rep_id"]) for row in accepted["sales_reps"].rows.values()}
    activity_types = load_categories()["activity_type"]
    login_days: dict[str, list[date]] = defaultdict(list)
    for row in accepted["crm_logins"].rows.values():
        day = parse_ts(row["logged_in_at"]).date()
        if day <= as_of:
            login_days[clean(row["rep_id"])].append(day)
    created: dict[str, list[tuple[date, bool]]] = defaultdict(list)
    follow_ups: dict[str, list[date]] = defaultdict(list)
    for row in accepted["activities"].rows.values():
        day = parse_ts(row["created_at"]).date()
        rep = clean(row["rep_id"])
        if rep is not None and day <= as_of:
            created[rep].append((day, activity_types[label(row["activity_type"])] == "note"))
        completed = parse_ts(row["completed_at"])
        lead_id = clean(row["lead_id"])
        if lead_id is not None and completed is not None and completed.date() <= as_of:
            follow_ups[lead_id].append(completed.date())
    owned = [lead for lead in leads_as_of(accepted, as_of).values() if lead.owner_rep_id is not None]

    first_days: dict[str, date] = {}
    for rep, days in [
        *((rep, days) for rep, days in login_days.items()),
        *((rep, [day for day, _ in rows]) for rep, rows in created.items()),
        *((lead.owner_rep_id, [lead.created.date()]) for lead in owned),
    ]:
        first_days[rep] = min([*days, first_days.get(rep, date.max)])
    weeks: dict[tuple[str, date], RepWeek] = {}
    for rep, first in first_days.items():
        if rep not in reps:
            continue
        week = monday(first)
        while week <= as_of:
            weeks[(rep, week)] = RepWeek(week + timedelta(days=6), min(week + timedelta(days=6), as_of))
            week += timedelta(days=7)

    for rep, days in login_days.items():
        for week, in_week in _by_week(days).items():
            weeks[(rep, week)].logins = len(in_week)
            weeks[(rep, week)].login_days = len(set(in_week))
    for rep, rows in created.items():
        for day, is_note in rows:
            figures = weeks[(rep, monday(day))]
            figures.activities_created += 1
            figures.notes_created += is_note
    for lead in owned:
        created_day = lead.created.date()
        converted_day = lead.converted.date() if lead.converted is not None else None
        lead_follow_ups = sorted(follow_ups.get(lead.lead_id, []))
        week = monday(created_day)
        while week <= as_of:
            figures = weeks[(lead.owner_rep_id, week)]
            if converted_day is not None and converted_day <= figures.measured_on:
                break
            done = [day for day in lead_follow_ups if day <= figures.measured_on]
            touch = max([created_day, *done])
            figures.open_leads_owned += 1
            figures.leads_abandoned += (figures.measured_on - touch).days >= LEAD_ABANDONMENT_DAYS
            week += timedelta(days=7)
        deadline = created_day + timedelta(days=LEAD_ABANDONMENT_DAYS)
        if deadline <= as_of:
            figures = weeks[(lead.owner_rep_id, monday(deadline))]
            figures.leads_touch_window_closed += 1
            figures.leads_touched_in_window += any(day <= deadline for day in lead_follow_ups)
    return weeks


def _by_week(days: list[date]) -> dict[date, list[date]]:
    weeks: dict[date, list[date]] = defaultdict(list)
    for day in days:
        weeks[monday(day)].append(day)
    return weeks


def close(built: float | None, expected: float | None) -> bool:
    if built is None or expected is None:
        return built is None and expected is None
    return abs(built - expected) <= 1e-9


def adoption_mismatches(expected: dict[tuple[str, date], RepWeek], rows: list[tuple]) -> list:
    """The rep-weeks where the mart and the oracle differ (missing, extra or any figure)."""
    found = []
    remaining = dict(expected)
    for row in rows:
        figures = remaining.pop((row[0], row[1]), None)
        if (
            figures is None
            or row[2:5] != (figures.week_end, figures.measured_on, figures.week_end <= figures.measured_on)
            or row[5:11]
            != (
                figures.logins,
                figures.login_days,
                figures.activities_created,
                figures.notes_created,
                figures.open_leads_owned,
                figures.leads_abandoned,
            )
            or not close(row[11], figures.lead_abandonment_rate)
            or row[12:14] != (figures.leads_touch_window_closed, figures.leads_touched_in_window)
            or not close(row[14], figures.touched_in_window_share)
        ):
            found.append((row, figures))
    found += [(key, figures) for key, figures in remaining.items()]
    return found
