"""Oracle tests of the marketing marts, recomputed in plain Python from the raw CSVs (oracle_marketing.py) and equal
to the marts: money to the cent, counts exactly, ROI to 1e-9.

- rpt_cac_monthly: every month and acquisition channel (and 'all'): marketing spend, new customers, CAC, net new
  revenue, first-touch attributed revenue and marketing ROI; rows without spend or new customers are zeros;
- rpt_campaign_performance: every campaign (and the row without a campaign): spend, new customers and attributed
  revenue by first and by last touch, marketing ROI by both;
- the seed spend_channel_acquisition_channels names every spend channel the generator writes, once, and only
  acquisition channels it knows.

On the demo seeds (the session's ``warehouse``) and on the session's small generated data set (conftest
``generated_set``; marked slow).
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest

from conftest import SEEDS_RAW, GeneratedSet
from crmwh.gen_vocab import CANONICAL
from oracle import Accepted, accept_all
from oracle_marketing import CacMonth, CampaignFigures, cac_months, campaign_figures, channel_map

CAC_SQL = (
    "select month_start_date, acquisition_channel, marketing_spend_reporting, new_customer_count, cac_reporting,"
    " net_new_revenue_reporting, attributed_revenue_reporting, marketing_roi from marts.rpt_cac_monthly"
)
CAMPAIGN_SQL = (
    "select campaign_id, spend_reporting, new_customers_first_touch, new_customers_last_touch,"
    " attributed_revenue_first_touch_reporting, attributed_revenue_last_touch_reporting,"
    " marketing_roi_first_touch, marketing_roi_last_touch from marts.rpt_campaign_performance"
)


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchall()


def close(built: float | None, expected: float | None) -> bool:
    if built is None or expected is None:
        return built is expected
    return math.isclose(built, expected, rel_tol=0, abs_tol=1e-9)


def cac_mismatches(expected: dict, rows: list[tuple]) -> list:
    found, seen = [], set()
    for month, channel, spend, customers, cac, net_new, attributed_revenue, roi in rows:
        seen.add((month, channel))
        want = expected.get((month, channel), CacMonth())
        if (spend, customers, cac, net_new, attributed_revenue) != (
            want.spend,
            want.new_customers,
            want.cac,
            want.net_new_revenue,
            want.attributed_revenue,
        ) or not close(roi, want.marketing_roi):
            found.append(((month, channel), (spend, customers, cac, net_new, attributed_revenue, roi), want))
    found += [(key, None, want) for key, want in expected.items() if key not in seen]
    return found


def campaign_mismatches(expected: dict, rows: list[tuple]) -> list:
    found = []
    built = {row[0]: row[1:] for row in rows}
    for campaign, want in expected.items():
        row = built.pop(campaign, None)
        if (
            row is None
            or row[:5]
            != (
                want.spend,
                want.first_touch_customers,
                want.last_touch_customers,
                want.first_touch_revenue,
                want.last_touch_revenue,
            )
            or not close(row[5], want.roi_first_touch)
            or not close(row[6], want.roi_last_touch)
        ):
            found.append((campaign, row, want))
    found += [(campaign, row, None) for campaign, row in built.items()]
    return found


def check(raw_dir: Path, accepted: dict[str, Accepted], database: Path, min_new_customers: int) -> None:
    months = cac_months(accepted, raw_dir)
    campaigns: dict[str | None, CampaignFigures] = campaign_figures(accepted, raw_dir)
    # the data exercise what the marts define: spend in several channels, new customers attributed to a campaign
    # and to none, spend of a channel that buys no acquisition channel
    assert sum(month.new_customers for (_, channel), month in months.items() if channel == "all") >= min_new_customers
    assert len({channel for (_, channel), month in months.items() if month.spend > 0}) >= 3
    assert sum(figures.spend for figures in campaigns.values()) == sum(
        month.spend for (_, channel), month in months.items() if channel == "all"
    )
    assert campaigns[None].first_touch_customers > 0
    assert sum(figures.first_touch_customers for key, figures in campaigns.items() if key is not None) > 0
    assert any(month.new_customers == 0 and month.spend > 0 for month in months.values())
    assert not (problems := cac_mismatches(months, query(database, CAC_SQL))), problems[:10]
    assert not (problems := campaign_mismatches(campaigns, query(database, CAMPAIGN_SQL))), problems[:10]


def test_cac_and_campaign_roi_match_the_oracle_on_the_demo(warehouse: Path) -> None:
    check(SEEDS_RAW, accept_all(SEEDS_RAW), warehouse, min_new_customers=1000)


@pytest.mark.slow
def test_cac_and_campaign_roi_match_the_oracle_on_generated_data(generated_set: GeneratedSet) -> None:
    check(
        generated_set.raw_dir,
        accept_all(generated_set.raw_dir, seed_nulls=False),
        generated_set.database,
        min_new_customers=50,
    )


def test_spend_channel_seed_covers_the_generated_channels() -> None:
    mapping = channel_map()
    assert sorted(mapping) == sorted(CANONICAL["campaign_channel"])
    assert {channel for channel in mapping.values() if channel} <= set(CANONICAL["acquisition_channel"])
    assert mapping["display"] is None
