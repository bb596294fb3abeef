"""Oracle tests of fct_tickets and rpt_service_monthly, recomputed in plain Python from the raw CSVs
(oracle_service_tickets.py) and equal to the marts: counts and statuses exactly, hours and rates to 1e-9.

- every ticket: no row missing, none extra, first response and resolution hours, both SLA statuses;
- every month, overall ('all') and by channel and by priority: ticket count, median and p90 first response hours,
  first response and resolution SLA attainment; the 'all' rows of months without a ticket are zeros and nulls.

On the demo seeds (the session's ``warehouse``) and on the session's small generated data set (conftest
``generated_set``; marked slow).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from conftest import SEEDS_RAW, GeneratedSet
from oracle import Accepted, accept_all
from oracle_sales_reps import as_of_date
from oracle_service_tickets import (
    SERVICE_MONTH_SQL,
    ServiceMonth,
    Ticket,
    close,
    customer_service_state,
    service_month_mismatches,
    service_months,
    tickets,
)


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def ticket_mismatches(expected: list[Ticket], database: Path) -> list:
    rows = query(
        database,
        "select ticket_id, created_month, channel, priority, first_response_hours, resolution_hours,"
        " first_response_sla_status, resolution_sla_status from marts.fct_tickets",
    )
    built = {row[0]: row for row in rows}
    found = []
    for ticket in expected:
        row = built.pop(ticket.ticket_id, None)
        if (
            row is None
            or row[1:4] != (ticket.month, ticket.channel, ticket.priority)
            or not close(row[4], ticket.first_response_hours)
            or not close(row[5], ticket.resolution_hours)
            or row[6:] != (ticket.first_response_sla_status, ticket.resolution_sla_status)
        ):
            found.append((ticket.ticket_id, row, ticket))
    found += [(ticket_id, row, None) for ticket_id, row in built.items()]
    return found


def check(accepted: dict[str, Accepted], database: Path, min_tickets: int) -> None:
    assert as_of_date(accepted) == query(database, "select as_of_date from intermediate.int_as_of_date")[0][0]
    rows = tickets(accepted)
    assert len(rows) >= min_tickets
    # every SLA outcome and unanswered/unresolved tickets are exercised
    assert {row.first_response_sla_status for row in rows} >= {"met", "missed"}
    assert {row.resolution_sla_status for row in rows} >= {"met", "missed"}
    assert any(row.resolution_hours is None for row in rows)
    assert not (problems := ticket_mismatches(rows, database)), problems[:10]
    figures: dict[tuple, ServiceMonth] = service_months(rows)
    # even and odd counts of first responses both occur among the medians
    assert {len(month.first_response_hours) % 2 for month in figures.values()} == {0, 1}
    assert not (problems := service_month_mismatches(figures, query(database, SERVICE_MONTH_SQL))), problems[:10]


def test_tickets_and_monthly_service_levels_match_the_oracle_on_the_demo(warehouse: Path) -> None:
    check(accept_all(SEEDS_RAW), warehouse, min_tickets=1000)


@pytest.mark.slow
def test_tickets_and_monthly_service_levels_match_the_oracle_on_generated_data(generated_set: GeneratedSet) -> None:
    check(accept_all(generated_set.raw_dir, seed_nulls=False), generated_set.database, min_tickets=50)


def test_customer_360_has_each_customers_open_tickets_and_repeat_issues(warehouse: Path) -> None:
    expected = customer_service_state(tickets(accept_all(SEEDS_RAW)))
    built = query(warehouse, "select customer_id, open_ticket_count, has_repeat_issue from marts.customer_360")
    assert sum(open_count for open_count, _ in expected.values()) > 0
    assert any(repeat for _, repeat in expected.values())
    assert {customer: (open_count, repeat) for customer, open_count, repeat in built if open_count or repeat} == {
        customer: state for customer, state in expected.items() if state != (0, False)
    }
