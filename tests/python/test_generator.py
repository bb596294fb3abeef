"""Tests of the raw-data generator (crmwh.generate): determinism, shape, dirty rows, truth, demo seeds."""

from __future__ import annotations

import datetime as dt
import filecmp
import json
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import time_machine
from scipy import optimize, special

from crmwh import gen_check
from crmwh.contract import DIRTY_KINDS, TABLES
from crmwh.gen_schema import KINDS, SPECS
from crmwh.gen_vocab import (
    CANONICAL,
    FOREIGN_NAME_COLUMNS,
    LANGUAGES,
    SYNONYMS,
    UNKNOWN_CATEGORY_COLUMNS,
    UNKNOWN_VALUES,
    synonym_lookup,
)
from crmwh.generate import TIERS, generate, main

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds" / "raw"
SMALL = 300


def run(out: Path, customers: int = SMALL, **kwargs) -> dict:
    return generate(out, customers, quiet=True, **kwargs)


def files(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    run(out)
    return out


@pytest.fixture(scope="module")
def small_clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small_clean")
    run(out, dirty_rate=0.0)
    return out


@pytest.fixture(scope="module")
def dirty_rows(small: Path) -> pd.DataFrame:
    return pd.read_csv(small / "_meta" / "dirty_rows.csv", dtype=str, keep_default_na=False)


def test_help_exits_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "--tier" in capsys.readouterr().out


def test_one_file_per_table_with_contract_header(small: Path) -> None:
    expected = sorted([f"{t.raw_name}.csv" for t in TABLES] + ["_meta/dirty_rows.csv", "_meta/truth.json"])
    assert files(small) == expected
    for t in TABLES:
        with open(small / f"{t.raw_name}.csv", encoding="utf-8") as fh:
            assert fh.readline().rstrip("\n") == ",".join(t.column_names)


def test_same_seed_gives_identical_bytes(small: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    run(again)
    assert files(again) == files(small)
    _match, mismatch, errors = filecmp.cmpfiles(small, again, files(small), shallow=False)
    assert not mismatch and not errors


def test_other_seed_gives_other_data(small: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    run(other, seed=7)
    for name in ("raw_customers.csv", "raw_orders.csv", "raw_web_sessions.csv"):
        assert (other / name).read_bytes() != (small / name).read_bytes()


def test_meta_dir_option(tmp_path: Path) -> None:
    run(tmp_path / "out", meta=tmp_path / "meta", customers=60)
    assert (tmp_path / "meta" / "dirty_rows.csv").exists()
    assert (tmp_path / "meta" / "truth.json").exists()
    assert not (tmp_path / "out" / "_meta").exists()


def test_sizes_scale_with_customers(small: Path, tmp_path: Path) -> None:
    double = tmp_path / "double"
    run(double, customers=2 * SMALL)
    a = json.loads((small / "_meta" / "truth.json").read_text())["expected_accepted_rows"]
    b = json.loads((double / "_meta" / "truth.json").read_text())["expected_accepted_rows"]
    assert a["customers"] == SMALL and b["customers"] == 2 * SMALL
    for table in ("orders", "order_items", "web_sessions", "leads", "support_tickets"):
        assert 1.6 < b[table] / a[table] < 2.5, table
    # loyalty rows are heavy-tailed (a few loyal members with long purchase histories earn most of them):
    # at a few hundred customers the doubling ratio varies from ~1.8 to ~2.8 between seeds
    assert 1.5 < b["loyalty_points"] / a["loyalty_points"] < 3.0
    assert a["fx_rates"] == b["fx_rates"] == 7 * 1096  # every currency every day of 3 years


def test_volumes_per_customer(small: Path) -> None:
    """Full-scale rates (what --customers and tiers M and L use): ~10 orders, ~50 web sessions each."""
    truth = json.loads((small / "_meta" / "truth.json").read_text())
    rows = truth["expected_accepted_rows"]
    per = {t: rows[t] / SMALL for t in rows}
    assert 8 <= per["orders"] <= 12
    assert 1.8 <= rows["order_items"] / rows["orders"] <= 3.0
    assert 40 <= per["web_sessions"] <= 60
    assert 1.0 <= per["leads"] <= 1.5
    assert truth["web_traffic"]["anon_sessions_per_customer"] == TIERS["L"].anon_sessions_per_customer


def test_demo_tier_has_light_anonymous_traffic_only(tmp_path: Path) -> None:
    """The demo tier differs from full scale only in anonymous sessions; customers' own rows are alike."""
    light, full = tmp_path / "light", tmp_path / "full"
    demo = TIERS["demo"].anon_sessions_per_customer
    run(light, customers=SMALL, anon_sessions_per_customer=demo, fmt="parquet")
    run(full, customers=SMALL, anon_sessions_per_customer=TIERS["M"].anon_sessions_per_customer, fmt="parquet")
    a = json.loads((light / "_meta" / "truth.json").read_text())
    b = json.loads((full / "_meta" / "truth.json").read_text())
    assert a["web_traffic"]["anon_sessions_per_customer"] == demo
    assert 15 <= a["expected_accepted_rows"]["web_sessions"] / SMALL <= 30
    assert b["row_counts"]["web_sessions"] > 2 * a["row_counts"]["web_sessions"]
    for table in ("customers", "orders", "order_items", "leads", "support_tickets"):
        assert a["row_counts"][table] == b["row_counts"][table], table


def test_tier_presets_on_the_command_line(tmp_path: Path) -> None:
    main(["--customers", "60", "--quiet", "--format", "parquet", "--out", str(tmp_path / "c")])
    zero = ["--customers", "60", "--quiet", "--format", "parquet", "--anon-sessions-per-customer", "0"]
    main([*zero, "--out", str(tmp_path / "z")])
    c = json.loads((tmp_path / "c" / "_meta" / "truth.json").read_text())
    z = json.loads((tmp_path / "z" / "_meta" / "truth.json").read_text())
    assert c["tier"] is None and c["web_traffic"]["anon_sessions_per_customer"] == TIERS["L"].anon_sessions_per_customer
    assert z["web_traffic"]["anon_sessions_per_customer"] == 0
    assert z["row_counts"]["web_sessions"] < c["row_counts"]["web_sessions"]
    assert TIERS["demo"].customers == 2_000 and TIERS["M"].customers == 100_000 and TIERS["L"].customers == 1_000_000
    with pytest.raises(SystemExit):
        main(["--customers", "60", "--anon-sessions-per-customer", "-1", "--out", str(tmp_path / "n")])


def test_every_dirty_kind_in_every_table_where_it_applies(dirty_rows: pd.DataFrame) -> None:
    assert set(dirty_rows["kind"]) == set(DIRTY_KINDS)
    for table, spec in SPECS.items():
        found = set(dirty_rows.loc[dirty_rows["table"] == table, "kind"])
        assert found == set(spec.kinds()), table
    reasons = dirty_rows["kind"].map(lambda k: DIRTY_KINDS[k] or "")
    assert (reasons == dirty_rows["expected_reason"]).all()


def test_null_key_rows_are_identified_by_row_number(small: Path, dirty_rows: pd.DataFrame) -> None:
    nulls = dirty_rows[dirty_rows["kind"] == "null_key"]
    for table, rows in nulls.groupby("table"):
        t = next(t for t in TABLES if t.name == table)
        df = gen_check.load(small, table)
        for row in rows["row_number"].astype(int):
            assert (df.iloc[row - 1][list(t.key)] == "").any()


def test_each_dirty_row_has_exactly_its_problem(small: Path) -> None:
    assert gen_check.check_rejections(small) == []


def test_clean_rows_are_realistic_and_consistent(small: Path) -> None:
    assert gen_check.check_realism(small) == []


def test_repairable_values_map_back_to_clean_values(small: Path, small_clean: Path) -> None:
    """The same run without dirty rows equals the dirty run minus rejections, up to repairable values."""
    assert gen_check.check_repairs(small, small_clean) == []


def test_several_chunks_stay_consistent_and_ignore_the_number_of_workers(tmp_path: Path) -> None:
    """Ids stay unique and references valid across customer chunks (tiers M and L use many chunks),
    and chunks generated by parallel workers give the same bytes as chunks generated in turn."""
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    generate(serial, 500, quiet=True, chunk_customers=200, jobs=1)
    generate(parallel, 500, quiet=True, chunk_customers=200, jobs=2)
    _match, mismatch, errors = filecmp.cmpfiles(serial, parallel, files(serial), shallow=False)
    assert not mismatch and not errors
    assert gen_check.check_rejections(parallel) == []
    assert gen_check.check_realism(parallel) == []


def test_clean_run_has_no_dirty_rows(small_clean: Path) -> None:
    truth = json.loads((small_clean / "_meta" / "truth.json").read_text())
    assert truth["dirty_total"] == 0
    assert (small_clean / "_meta" / "dirty_rows.csv").read_text().count("\n") == 1


def test_parquet_holds_the_same_rows_as_csv(small: Path, tmp_path: Path) -> None:
    pq_dir = tmp_path / "pq"
    run(pq_dir, fmt="parquet")
    import pyarrow.parquet as pq

    for t in TABLES:
        schema = pq.read_schema(pq_dir / f"{t.raw_name}.parquet")
        assert schema.names == t.column_names
        assert all(str(f.type) == "string" for f in schema)
        from_csv = gen_check.load(small, t.name)
        from_pq = pd.read_parquet(pq_dir / f"{t.raw_name}.parquet").fillna("")
        pd.testing.assert_frame_equal(from_csv, from_pq, check_dtype=False)
    assert (pq_dir / "_meta" / "dirty_rows.csv").read_bytes() == (small / "_meta" / "dirty_rows.csv").read_bytes()


def test_truth_json(small: Path, dirty_rows: pd.DataFrame) -> None:
    truth = json.loads((small / "_meta" / "truth.json").read_text())
    for name in ("r", "alpha", "a", "b"):
        assert truth["bgnbd"][name] > 0
    for name in ("p", "q", "gamma"):
        assert truth["gamma_gamma"][name] > 0
    assert truth["seed"] == 42 and truth["as_of_date"] == "2026-06-30" and truth["history_start_date"] == "2023-07-01"
    for t in TABLES:
        lines = (small / f"{t.raw_name}.csv").read_bytes().count(b"\n") - 1
        assert truth["row_counts"][t.name] == len(gen_check.load(small, t.name)), t.name
        assert lines >= truth["row_counts"][t.name]  # quoted values may hold line breaks
        counts = dirty_rows[dirty_rows["table"] == t.name]["kind"].value_counts().to_dict()
        assert truth["dirty_counts"][t.name] == counts
    assert truth["dirty_total"] == len(dirty_rows)


def test_text_is_utf8_multilingual_and_formats_are_canonical(small: Path) -> None:
    customers = gen_check.load(small, "customers")
    assert set(customers["country"]) >= {"US", "GB", "VN", "IR", "CN", "RU"}
    text = "".join(customers["full_name"]) + "".join(customers["city"])
    scripts = {
        "vietnamese": any(ch in text for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"),
        "persian": any("\u0600" <= ch <= "\u06ff" for ch in text),
        "chinese": any("\u4e00" <= ch <= "\u9fff" for ch in text),
        "russian": any("\u0400" <= ch <= "\u04ff" for ch in text),
    }
    assert all(scripts.values()), scripts
    orders = gen_check.load(small, "orders")
    assert orders["ordered_at"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").mean() > 0.95
    assert orders["discount_amount"].str.fullmatch(r"\d+\.\d\d").mean() > 0.95
    tickets = gen_check.load(small, "support_tickets")
    assert set(tickets["is_escalated"]) <= {"true", "false", ""}
    dates = gen_check.load(small, "campaigns")["start_date"]
    assert dates.str.fullmatch(r"\d{4}-\d\d-\d\d").mean() > 0.8


def test_fx_rates_cover_every_currency_every_day(small: Path) -> None:
    fx = gen_check.load(small, "fx_rates")
    rate = pd.to_numeric(fx["rate_to_usd"], errors="coerce")
    days = pd.to_datetime(fx["rate_date"], format="%Y-%m-%d", errors="coerce")
    ok = rate.notna() & (rate > 0) & days.between("2023-07-01", "2026-06-30") & (fx["currency"] != "")
    clean = fx[ok].drop_duplicates()
    assert len(clean) == 7 * 1096
    assert (clean[clean["currency"] == "USD"]["rate_to_usd"].astype(float) == 1.0).all()


# --- vocabulary ------------------------------------------------------------------------
def test_synonyms_are_unambiguous_and_complete() -> None:
    lookup = synonym_lookup()
    for domain, by_canonical in SYNONYMS.items():
        seen: dict[str, str] = {}
        for canonical, by_lang in by_canonical.items():
            assert set(by_lang) == {*LANGUAGES, "en"}, (domain, canonical)
            for words in by_lang.values():
                for word in words:
                    assert seen.setdefault(word, canonical) == canonical, (domain, word)
                    assert unicodedata.is_normalized("NFC", word)
                    assert word != canonical
        assert set(lookup[domain].values()) == set(CANONICAL[domain])
    for domain, unknown in UNKNOWN_VALUES.items():
        for value in unknown:
            assert value not in CANONICAL[domain]
            assert value not in lookup.get(domain, {})


def test_category_columns_match_schema() -> None:
    for (table, col), domain in UNKNOWN_CATEGORY_COLUMNS.items():
        assert KINDS[table][col].vocab == CANONICAL[domain], (table, col)
        assert SPECS[table].category_col == col
    for table, col in FOREIGN_NAME_COLUMNS:
        assert SPECS[table].foreign_col == col


# --- ground truth ----------------------------------------------------------------------
def _bgnbd_negll(params: np.ndarray, x: np.ndarray, tx: np.ndarray, T: np.ndarray) -> float:  # noqa: N803
    r, alpha, a, b = np.exp(params)
    ln_a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    ln_a2 = special.betaln(a, b + x) - special.betaln(a, b)
    ln_a3 = -(r + x) * np.log(alpha + T)
    ln_a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-9)) - (r + x) * np.log(alpha + tx), -np.inf)
    return -np.sum(ln_a1 + ln_a2 + np.logaddexp(ln_a3, ln_a4))


def test_bgnbd_parameters_are_recoverable_from_demo_orders() -> None:
    """Fit BG/NBD on the committed demo orders; the true parameters must be in the same ballpark."""
    if not (SEEDS / "raw_orders.csv").exists():
        pytest.skip("demo seeds not generated")
    truth = json.loads((SEEDS / "_meta" / "truth.json").read_text())
    orders = gen_check.load(SEEDS, "orders")
    when = pd.to_datetime(orders["ordered_at"], format="%Y-%m-%dT%H:%M:%SZ", errors="coerce", utc=True)
    valid = orders["status"].isin(["placed", "paid", "shipped", "completed"]) & when.notna()
    df = pd.DataFrame({"c": orders["customer_id"][valid], "t": when[valid]}).drop_duplicates()
    end = pd.Timestamp(truth["as_of_date"], tz="UTC") + pd.Timedelta(days=1)
    g = df.groupby("c")["t"]
    first, last, n = g.min(), g.max(), g.count()
    week = pd.Timedelta(days=7)
    x, tx, T = (n - 1).to_numpy(float), ((last - first) / week).to_numpy(), ((end - first) / week).to_numpy()  # noqa: N806
    fit = optimize.minimize(_bgnbd_negll, np.zeros(4), args=(x, tx, T), method="Nelder-Mead", options={"maxiter": 4000})
    r, alpha, a, b = np.exp(fit.x)
    t = truth["bgnbd"]
    assert 0.5 < (r / alpha) / (t["r"] / t["alpha"]) < 2.0  # mean purchase rate
    assert 0.5 < (a / (a + b)) / (t["a"] / (t["a"] + t["b"])) < 2.0  # mean drop-out probability


# --- committed demo seeds ----------------------------------------------------------------
@pytest.mark.parametrize("clocks", [("2025-01-15 09:00", "2041-07-01 23:30")])
def test_output_does_not_depend_on_the_clock(tmp_path: Path, clocks: tuple[str, str]) -> None:
    """The same seed gives byte-identical files whatever day and time the generator runs on.

    The wall clock is moved (time_machine patches datetime, date and time for the whole process), so a
    provider that draws "up to now" (Faker's year in ru_RU user names did) changes the output.
    """
    outputs = []
    for clock in clocks:
        with time_machine.travel(dt.datetime.fromisoformat(clock + "+00:00"), tick=False):
            assert dt.date.today().year == int(clock[:4])
            outputs.append(tmp_path / clock[:4])
            run(outputs[-1], seed=7)
    names = files(outputs[0])
    assert names == files(outputs[1])
    _match, mismatch, errors = filecmp.cmpfiles(outputs[0], outputs[1], names, shallow=False)
    assert not mismatch and not errors, mismatch


def test_committed_demo_seeds_equal_a_fresh_demo_run(tmp_path: Path) -> None:
    """seeds/raw holds exactly what `python -m crmwh.generate --tier demo --out seeds/raw` writes."""
    if not (SEEDS / "raw_orders.csv").exists():
        pytest.skip("demo seeds not generated yet")
    fresh = tmp_path / "demo"
    generate(fresh, TIERS["demo"].customers, tier="demo", quiet=True)
    names = files(fresh)
    committed = [n for n in files(SEEDS) if n.startswith("raw_") or n.startswith("_meta/")]
    assert committed == names
    _match, mismatch, errors = filecmp.cmpfiles(SEEDS, fresh, names, shallow=False)
    assert not mismatch and not errors, mismatch
