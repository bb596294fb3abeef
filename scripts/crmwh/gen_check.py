"""Independent checks of generated raw exports (used by the tests; also runnable by hand).

``check_rejections`` re-derives, from the raw files alone, every reason each row would be rejected
for (the rules of ``contract.REJECTION_REASONS``) and compares them with ``dirty_rows.csv``: a row
listed with a rejection reason must fail exactly that rule and no other, every other row must pass
every rule. ``check_repairs`` compares a run with dirty rows against the same run with
``--dirty-rate 0``: after dropping the rows expected to be rejected, the files must hold the same
rows, and every differing cell must be a listed repairable dirty value that normalises back to the
clean value. ``check_realism`` asserts invariants of clean data (events after the customer exists,
nothing after the as-of date, non-negative amounts).

    PYTHONPATH=scripts python -m crmwh.gen_check seeds/raw
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from crmwh.contract import CURRENCIES, TABLES, TABLES_BY_NAME
from crmwh.gen_schema import KINDS
from crmwh.gen_vocab import (
    BEFORE_CUSTOMER_CREATED_COLUMNS,
    CANONICAL,
    FOREIGN_NAME_COLUMNS,
    SCORE_RANGES,
    UNKNOWN_CATEGORY_COLUMNS,
    synonym_lookup,
)

TS_FORMATS = (
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S%z",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
)
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y", "%Y/%m/%d")
# parents first, so orphan checks can use the accepted keys of the parent
ORDER = (
    "sales_reps",
    "products",
    "campaigns",
    "fx_rates",
    "quotas",
    "marketing_spend",
    "customers",
    "leads",
    "opportunities",
    "opportunity_stage_history",
    "orders",
    "order_items",
    "subscriptions",
    "support_tickets",
    "survey_responses",
    "web_sessions",
    "email_events",
    "activities",
    "crm_logins",
    "lead_pool_events",
    "loyalty_points",
)
NON_NEGATIVE_INT = {("order_items", "quantity"), ("web_sessions", "pageviews"), ("web_sessions", "duration_seconds")}
NON_NEGATIVE_INT |= {("support_tickets", "reopened_count")}


def load(directory: Path, table: str) -> pd.DataFrame:
    """A raw table as strings, '' for empty (CSV or Parquet, whichever exists)."""
    name = TABLES_BY_NAME[table].raw_name
    csv_path = directory / f"{name}.csv"
    if csv_path.exists():
        return pd.read_csv(csv_path, dtype=str, keep_default_na=False, na_filter=False)
    return pd.read_parquet(directory / f"{name}.parquet").fillna("")


def parse_time(values: pd.Series, kind: str) -> pd.Series:
    """UTC instants of the tolerated formats; NaT for empty or unparseable values."""
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    todo = values != ""
    for fmt in TS_FORMATS if kind == "ts" else DATE_FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(values[todo], format=fmt, errors="coerce", utc=True)
        ok = parsed.notna()
        out.loc[parsed.index[ok]] = parsed[ok]
        todo.loc[parsed.index[ok]] = False
    return out


def key_text(df: pd.DataFrame, key: tuple[str, ...]) -> pd.Series:
    """The natural key as written, components joined with '|'."""
    out = df[key[0]].astype(str)
    for col in key[1:]:
        out = out + "|" + df[col].astype(str)
    return out


def normalise_phone(text: str) -> str:
    digits = re.sub(r"[^0-9+]", "", text)
    return "+" + digits[2:] if digits.startswith("00") else digits


def _reasons(tables: dict[str, pd.DataFrame]) -> dict[str, dict[str, np.ndarray]]:
    """Every rejection reason of every row: per table, reason -> boolean mask (parents first)."""
    lookups = synonym_lookup()
    accepted_keys: dict[str, set[str]] = {}
    created: pd.Series | None = None
    out: dict[str, dict[str, np.ndarray]] = {}
    for table in ORDER:
        df = tables[table]
        t = TABLES_BY_NAME[table]
        kinds = KINDS[table]
        n = len(df)
        flags: dict[str, np.ndarray] = {}

        def flag(mask: object, reason: str, flags: dict[str, np.ndarray] = flags, n: int = n) -> None:
            m = np.asarray(mask, dtype=bool)
            flags[reason] = flags.get(reason, np.zeros(n, dtype=bool)) | m

        def failing(flags: dict[str, np.ndarray] = flags, n: int = n) -> np.ndarray:
            return np.any(list(flags.values()), axis=0) if flags else np.zeros(n, dtype=bool)

        key_empty = np.zeros(n, dtype=bool)
        for k in t.key:
            key_empty |= (df[k] == "").to_numpy()
        flag(key_empty, "missing_key")
        times = {}
        for col, kind in kinds.items():
            if kind.name in ("ts", "date"):
                parsed = parse_time(df[col], kind.name)
                times[col] = parsed
                flag((df[col] != "") & parsed.isna(), "invalid_timestamp")
            elif kind.name in ("money", "rate", "int"):
                num = pd.to_numeric(df[col].where(df[col] != ""), errors="coerce")
                flag((df[col] != "") & num.isna(), "invalid_number")
                if kind.name in ("money", "rate") or (table, col) in NON_NEGATIVE_INT:
                    flag(num < 0, "negative_amount")
            elif kind.name == "cat" and col == "currency":
                flag((df[col] != "") & ~df[col].isin(CURRENCIES), "unknown_currency")
        for (tab, col), domain in UNKNOWN_CATEGORY_COLUMNS.items():
            if tab != table:
                continue
            allowed = set(lookups[domain]) if (tab, col) in FOREIGN_NAME_COLUMNS else set(CANONICAL[domain])
            flag((df[col] != "") & ~df[col].isin(allowed), "unknown_category")
        if table == "survey_responses":
            score = pd.to_numeric(df["score"], errors="coerce")
            for stype, (lo, hi) in SCORE_RANGES.items():
                flag((df["survey_type"] == stype) & ((score < lo) | (score > hi)), "out_of_range")
        if table == "opportunities":
            prob = pd.to_numeric(df["stage_probability"], errors="coerce")
            flag((prob < 0) | (prob > 100), "out_of_range")
        for col, target in t.foreign_keys.items():
            parent = target.split(".")[0]
            if parent != table:
                flag((df[col] != "") & ~df[col].isin(accepted_keys[parent]), "orphan_reference")
        if table in BEFORE_CUSTOMER_CREATED_COLUMNS:
            col = BEFORE_CUSTOMER_CREATED_COLUMNS[table]
            cust_created = df["customer_id"].map(created)
            event = times[col]
            bad = event < (cust_created.dt.floor("D") if kinds[col].name == "date" else cust_created)
            flag(bad.fillna(False), "before_customer_created")
        # self references (manager, renewal) point at a row of the same table that passes so far
        for col, target in t.foreign_keys.items():
            if target.split(".")[0] == table:
                ok_keys = set(df[t.key[0]][~failing()])
                flag((df[col] != "") & ~df[col].isin(ok_keys), "orphan_reference")
        # duplicates: among rows that pass, the latest updated_at (then the last row) wins
        clean = ~failing()
        keys = key_text(df, t.key)
        sub = pd.DataFrame({"key": keys, "pos": np.arange(n)})[clean]
        if "updated_at" in df:
            sub["when"] = times["updated_at"][clean]
            sub = sub.sort_values(["key", "when", "pos"])
        else:
            sub = sub.sort_values(["key", "pos"])
        loser = sub.duplicated("key", keep="last")
        flag(np.isin(np.arange(n), sub["pos"][loser].to_numpy()), "duplicate_superseded")
        accepted_keys[table] = set(keys[clean])
        if table == "customers":
            accepted = ~failing()
            created = pd.Series(times["created_at"][accepted].to_numpy(), index=df["customer_id"][accepted])
        out[table] = {r: m for r, m in flags.items() if m.any()}
    return out


def check_rejections(directory: Path, meta: Path | None = None) -> list[str]:
    """Rows in = accepted + rejected, with each rejected row failing exactly its expected rule."""
    meta = meta or directory / "_meta"
    dirty = pd.read_csv(meta / "dirty_rows.csv", dtype=str, keep_default_na=False)
    truth = json.loads((meta / "truth.json").read_text())
    tables = {t.name: load(directory, t.name) for t in TABLES}
    reasons = _reasons(tables)
    problems = []
    for t in TABLES:
        df = tables[t.name]
        n = len(df)
        if n != truth["row_counts"][t.name]:
            problems.append(f"{t.name}: {n} rows, truth.json says {truth['row_counts'][t.name]}")
        exp = dirty[(dirty["table"] == t.name) & (dirty["expected_reason"] != "")]
        expected = np.full(n, "", dtype=object)
        expected[exp["row_number"].astype(int).to_numpy() - 1] = exp["expected_reason"].to_numpy()
        flags = reasons[t.name]
        count = np.sum(list(flags.values()), axis=0) if flags else np.zeros(n, dtype=int)
        found = np.full(n, "", dtype=object)
        for reason, mask in flags.items():
            found[mask] = reason
        multi = np.flatnonzero(count > 1)
        for i in multi[:20]:
            problems.append(f"{t.name} row {i + 1}: several problems {sorted(r for r, m in flags.items() if m[i])}")
        # exact copies of rows without updated_at: either twin may be the one rejected
        dup_exp = expected == "duplicate_superseded"
        dup_got = found == "duplicate_superseded"
        keys = key_text(df, t.key).to_numpy()
        if sorted(keys[dup_exp]) != sorted(keys[dup_got]):
            problems.append(f"{t.name}: rejected duplicate keys differ from the expected ones")
        other = ~dup_exp & ~dup_got & (count <= 1)
        wrong = np.flatnonzero(other & (expected != found))
        for i in wrong[:20]:
            want = expected[i] or "accepted"
            problems.append(f"{t.name} row {i + 1}: expected {want}, found {found[i] or 'accepted'}")
        if len(wrong) > 20:
            problems.append(f"{t.name}: {len(wrong) - 20} more wrong rows")
    return problems


def _repaired(kind: str, table: str, col: str, dirty: str, clean: str) -> bool:
    if kind == "padded_whitespace":
        return dirty != clean and dirty.strip() == clean
    if kind == "nfd_text":
        return dirty != clean and unicodedata.normalize("NFC", dirty) == clean
    if kind == "foreign_category_name":
        domain = FOREIGN_NAME_COLUMNS[(table, col)]
        return synonym_lookup()[domain].get(dirty) == clean and dirty != clean
    if kind == "mixed_format_contact":
        if col == "phone":
            return normalise_phone(dirty) == clean
        return dirty.strip().lower() == clean
    if kind == "other_date_format":
        kind_name = KINDS[table][col].name
        a = parse_time(pd.Series([dirty]), kind_name).iloc[0]
        b = parse_time(pd.Series([clean]), kind_name).iloc[0]
        return pd.notna(a) and a == b and dirty != clean
    return False


def check_repairs(dirty_dir: Path, clean_dir: Path, meta: Path | None = None) -> list[str]:
    """Dirty run minus expected rejections == clean run, up to listed, repairable values."""
    meta = meta or dirty_dir / "_meta"
    dirty_rows = pd.read_csv(meta / "dirty_rows.csv", dtype=str, keep_default_na=False)
    problems = []
    for t in TABLES:
        d = load(dirty_dir, t.name)
        c = load(clean_dir, t.name)
        listed = dirty_rows[dirty_rows["table"] == t.name]
        rejected = {int(r) for r, reason in zip(listed["row_number"], listed["expected_reason"], strict=True) if reason}
        repaired = {
            (int(r), col): kind
            for r, kind, col, reason in zip(
                listed["row_number"], listed["kind"], listed["column"], listed["expected_reason"], strict=True
            )
            if not reason
        }
        keep = [i for i in range(len(d)) if i + 1 not in rejected]
        d_rows = d.iloc[keep]
        if len(d_rows) != len(c):
            problems.append(f"{t.name}: {len(d_rows)} accepted rows vs {len(c)} clean rows")
            continue
        diff = d_rows.to_numpy() != c.to_numpy()
        seen = set()
        for i, j in zip(*np.nonzero(diff), strict=True):
            row = keep[i] + 1
            col = c.columns[j]
            kind = repaired.get((row, col))
            seen.add((row, col))
            if kind is None:
                problems.append(f"{t.name} row {row} {col}: {d_rows.iat[i, j]!r} != clean {c.iat[i, j]!r}, not listed")
            elif not _repaired(kind, t.name, col, d_rows.iat[i, j], c.iat[i, j]):
                problems.append(
                    f"{t.name} row {row} {col}: {kind} {d_rows.iat[i, j]!r} does not repair to {c.iat[i, j]!r}"
                )
        missing = set(repaired) - seen
        if missing:
            problems.append(f"{t.name}: listed repairable values identical to clean: {sorted(missing)[:5]}")
    return problems


def check_realism(directory: Path, meta: Path | None = None) -> list[str]:
    """Invariants of the accepted (expected clean) rows."""
    meta = meta or directory / "_meta"
    dirty_rows = pd.read_csv(meta / "dirty_rows.csv", dtype=str, keep_default_na=False)
    truth = json.loads((meta / "truth.json").read_text())
    end = pd.Timestamp(truth["as_of_date"], tz="UTC") + pd.Timedelta(days=1)
    problems = []
    clean: dict[str, pd.DataFrame] = {}
    for t in TABLES:
        df = load(directory, t.name)
        listed = dirty_rows[dirty_rows["table"] == t.name]
        bad = {int(r) for r in listed["row_number"]}
        clean[t.name] = df[[i + 1 not in bad for i in range(len(df))]]
    created = clean["customers"].set_index("customer_id")["created_at"]
    created = pd.to_datetime(created, utc=True)
    events = {
        "orders": "ordered_at",
        "support_tickets": "created_at",
        "survey_responses": "responded_at",
        "web_sessions": "started_at",
        "email_events": "event_at",
        "loyalty_points": "txn_at",
        "activities": "created_at",
    }
    for table, col in events.items():
        df = clean[table]
        known = df[df["customer_id"] != ""]
        when = pd.to_datetime(known[col], utc=True, format="%Y-%m-%dT%H:%M:%SZ")
        before = when < known["customer_id"].map(created)
        if before.any():
            problems.append(f"{table}: {int(before.sum())} clean events before their customer was created")
        after = pd.to_datetime(df[col], utc=True, format="%Y-%m-%dT%H:%M:%SZ") >= end
        if after.any():
            problems.append(f"{table}: {int(after.sum())} clean events after the as-of date")
    subs = clean["subscriptions"]
    start = pd.to_datetime(subs["contract_start_date"], utc=True)
    if (start <= subs["customer_id"].map(created).dt.floor("D")).any():
        problems.append("subscriptions: a clean contract starts on or before the customer's creation day")
    for table, kinds in KINDS.items():
        for col, kind in kinds.items():
            if kind.name == "money":
                values = pd.to_numeric(clean[table][col].replace("", np.nan))
                if (values < 0).any():
                    problems.append(f"{table}.{col}: negative clean amounts")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check generated raw exports against dirty_rows.csv")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--meta-dir", type=Path)
    parser.add_argument("--clean-dir", type=Path, help="the same run with --dirty-rate 0, to check repairs")
    args = parser.parse_args(argv)
    problems = check_rejections(args.directory, args.meta_dir) + check_realism(args.directory, args.meta_dir)
    if args.clean_dir:
        problems += check_repairs(args.directory, args.clean_dir, args.meta_dir)
    for p in problems[:200]:
        print(p, file=sys.stderr)
    print(f"{len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
