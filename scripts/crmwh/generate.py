"""Generate the raw CRM exports of the warehouse: one file per contract table, plus ground truth.

Examples::

    PYTHONPATH=scripts python -m crmwh.generate --tier demo --out seeds/raw
    PYTHONPATH=scripts python -m crmwh.generate --tier M --format parquet --out data/raw_m
    PYTHONPATH=scripts python -m crmwh.generate --customers 300 --seed 7 --out /tmp/small

The output depends only on the arguments (seeded random streams, a fixed as-of date), never on the
clock or the machine. ``META/dirty_rows.csv`` lists every dirty row injected on purpose (one problem
per row) with the rejection reason staging must give it (empty when staging must repair it), and
``META/truth.json`` holds the true process parameters and the row and dirty counts.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crmwh.contract import DIRTY_KINDS, TABLES, TABLES_BY_NAME
from crmwh.gen_core import Clock, Formatter, Frame, Progress, TableWriter, days_of, rng_for
from crmwh.gen_dirty import Injector
from crmwh.gen_population import BGNBD, GAMMA_GAMMA, Chunk
from crmwh.gen_schema import KINDS, SPECS
from crmwh.gen_world import build_world, crm_logins

TIERS = {"demo": 2_000, "M": 100_000, "L": 1_000_000}
CHUNK_CUSTOMERS = 50_000
DEFAULT_AS_OF = dt.date(2026, 6, 30)
DEFAULT_DIRTY_RATE = 0.02
DIRTY_COLUMNS = ("table", "key", "kind", "row_number", "column", "expected_reason")
_STRUCTURAL = (",", '"', "\n", "\r")
TABLE_INDEX = {t.name: i for i, t in enumerate(TABLES)}


class Sink:
    """Receives typed table chunks, injects dirty rows, formats them and appends them to the files."""

    def __init__(self, out: Path, fmt: str, rate: float, clock: Clock, progress: Progress, seed: int) -> None:
        self.rate = rate
        self.seed = seed
        self.calls: dict[str, int] = defaultdict(int)
        self.clock = clock
        self.progress = progress
        self.formatter = Formatter()
        ext = "csv" if fmt == "csv" else "parquet"
        self.writers = {t.name: TableWriter(out / f"{t.raw_name}.{ext}", t.column_names, fmt) for t in TABLES}
        self.next_id: dict[str, int] = defaultdict(lambda: 1)
        self.dirty: dict[str, list[tuple[str, str, int, str]]] = defaultdict(list)  # table -> (key, kind, row, col)
        self.seconds: dict[str, float] = defaultdict(float)
        composite = {
            "quotas": self._fresh_quota,
            "marketing_spend": self._fresh_spend,
            "fx_rates": self._fresh_fx,
        }
        self.injectors = {
            t.name: Injector(
                SPECS[t.name],
                allocate=lambda n, name=t.name: self.allocate(name, n),
                fresh_composite=composite.get(t.name),
                history_start_ts=clock.start_ts,
            )
            for t in TABLES
        }
        self._quota_next: dict[int, int] = defaultdict(lambda: 1)
        self._fx_next: dict[int, int] = defaultdict(lambda: 1)
        self._spend_used: set[tuple[int, int, int]] = set()

    # -- ids and fresh keys for extra dirty rows ---------------------------------------------
    def allocate(self, table: str, n: int) -> int:
        first = self.next_id[table]
        self.next_id[table] = first + n
        return first

    def _fresh_quota(self, block: Frame, frame: Frame, rng: np.random.Generator) -> None:
        """Quota months after the as-of month (future quotas), one per rep and extra row."""
        as_of = self.clock.as_of
        months = block["quota_month"].copy()
        for i, rep in enumerate(block["rep_id"]):
            k = self._quota_next[int(rep)]
            self._quota_next[int(rep)] = k + 1
            year, month = divmod(as_of.month - 1 + k, 12)
            months[i] = days_of(dt.date(as_of.year + year, month + 1, 1))
        block.cols["quota_month"] = months

    def _fresh_fx(self, block: Frame, frame: Frame, rng: np.random.Generator) -> None:
        """Days before the history for the same currency."""
        dates = block["rate_date"].copy()
        for i, cur in enumerate(block["currency"]):
            k = self._fx_next[int(cur)]
            self._fx_next[int(cur)] = k + 1
            dates[i] = self.clock.start_day - k
        block.cols["rate_date"] = dates

    def _fresh_spend(self, block: Frame, frame: Frame, rng: np.random.Generator) -> None:
        """Same campaign and day, on a channel the campaign never spends on."""
        used = set(zip(frame["campaign_id"].tolist(), frame["channel"].tolist(), strict=True))
        channels = block["channel"].copy()
        n_channels = len(KINDS["marketing_spend"]["channel"].vocab)
        for i, (camp, day) in enumerate(zip(block["campaign_id"], block["spend_date"], strict=True)):
            for ch in rng.permutation(n_channels):
                key = (int(camp), int(ch), int(day))
                if (int(camp), int(ch)) not in used and key not in self._spend_used:
                    self._spend_used.add(key)
                    channels[i] = ch
                    break
        block.cols["channel"] = channels

    # -- writing -------------------------------------------------------------------------
    def emit(self, table: str, frame: Frame, rng: np.random.Generator) -> None:
        t0 = self.progress.elapsed()
        # dirty rows draw from their own stream, so the clean data does not depend on the dirty rate
        call = self.calls[table]
        self.calls[table] = call + 1
        dirty_rng = rng_for(self.seed, 7, TABLE_INDEX[table], call)
        inj = self.injectors[table].inject(frame, dirty_rng, self.rate)
        kinds = KINDS[table]
        final = inj.frame
        cols = {c: self.formatter.column(kinds[c], final[c]) for c in kinds}
        check = {c for c, k in kinds.items() if k.name == "str" or any(s in v for v in k.vocab for s in _STRUCTURAL)}
        n = len(final)
        for col, values in inj.overrides.items():
            pos = np.fromiter(values.keys(), dtype=np.int64, count=len(values))
            order = np.argsort(pos)
            texts = list(values.values())
            mask = np.zeros(n, dtype=bool)
            mask[pos] = True
            cols[col] = pc.replace_with_mask(
                cols[col], pa.array(mask), pa.array([texts[i] for i in order], pa.string())
            )
            check.add(col)
        writer = self.writers[table]
        before = writer.rows
        writer.write(cols, check)
        if inj.positions:
            pos = np.array(inj.positions, dtype=np.int64)
            key_cols = TABLES_BY_NAME[table].key
            key_text = [cols[k].take(pa.array(pos)).to_pylist() for k in key_cols]
            for i, p in enumerate(pos):
                key = "|".join(v[i] if v[i] is not None else "" for v in key_text)
                self.dirty[table].append((key, inj.kinds[i], before + int(p) + 1, inj.columns[i]))
        self.seconds[table] += self.progress.elapsed() - t0

    def close(self) -> None:
        for w in self.writers.values():
            w.close()

    def rows(self) -> dict[str, int]:
        return {t.name: self.writers[t.name].rows for t in TABLES}


def chunk_sizes(customers: int, chunk: int = CHUNK_CUSTOMERS) -> list[int]:
    k = max(1, math.ceil(customers / chunk))
    base, extra = divmod(customers, k)
    return [base + (1 if i < extra else 0) for i in range(k)]


def generate(
    out: Path,
    customers: int,
    seed: int = 42,
    fmt: str = "csv",
    meta: Path | None = None,
    dirty_rate: float = DEFAULT_DIRTY_RATE,
    as_of: dt.date = DEFAULT_AS_OF,
    tier: str | None = None,
    quiet: bool = False,
    chunk_customers: int = CHUNK_CUSTOMERS,
) -> dict:
    """Write every raw table for ``customers`` customers; return the truth document.

    Customers are generated in chunks of ``chunk_customers`` (memory stays bounded); the output
    depends on the chunk size, so it is fixed for the command line.
    """
    progress = Progress(quiet)
    out.mkdir(parents=True, exist_ok=True)
    meta = meta if meta is not None else out / "_meta"
    meta.mkdir(parents=True, exist_ok=True)
    clock = Clock(as_of)
    sink = Sink(out, fmt, dirty_rate, clock, progress, seed)
    progress.log(f"generating {customers:,} customers, seed {seed}, {fmt}, history {clock.start} .. {clock.as_of}")
    try:
        world = build_world(clock, seed, customers, sink.emit, sink.allocate)
        for t in ("sales_reps", "products", "campaigns", "marketing_spend", "fx_rates", "quotas"):
            progress.log(f"{t}: {sink.writers[t].rows:,} rows")
        crm_logins(world, sink.emit, sink.allocate)
        progress.log(f"crm_logins: {sink.writers['crm_logins'].rows:,} rows")
        sizes = chunk_sizes(customers, chunk_customers)
        process: dict[str, int] = defaultdict(int)
        for i, size in enumerate(sizes):
            chunk = Chunk(world, rng_for(seed, 3, i), size, sink.emit, sink.allocate)
            chunk.run()
            for k, v in chunk.truth_counts.items():
                process[k] += v
            rows = sink.rows()
            progress.log(
                f"chunk {i + 1}/{len(sizes)}: customers {rows['customers']:,}, orders {rows['orders']:,}, "
                f"order_items {rows['order_items']:,}, web_sessions {rows['web_sessions']:,}"
            )
    finally:
        sink.close()
    truth = _truth(sink, seed, tier, customers, clock, dirty_rate, fmt, dict(process))
    _write_meta(meta, sink, truth)
    for t in TABLES:
        progress.log(f"  {t.name:<27} {sink.writers[t.name].rows:>11,} rows  {sink.seconds[t.name]:6.1f}s writing")
    progress.log(f"done: {sum(sink.rows().values()):,} rows")
    return truth


def _truth(
    sink: Sink, seed: int, tier: str | None, customers: int, clock: Clock, rate: float, fmt: str, process: dict
) -> dict:
    dirty_counts = {t.name: {k: sum(1 for d in sink.dirty[t.name] if d[1] == k) for k in DIRTY_KINDS} for t in TABLES}
    dirty_counts = {t: {k: v for k, v in kinds.items() if v} for t, kinds in dirty_counts.items()}
    rows = sink.rows()
    rejected = {t: sum(v for k, v in kinds.items() if DIRTY_KINDS[k] is not None) for t, kinds in dirty_counts.items()}
    return {
        "generator": "crmwh.generate",
        "seed": seed,
        "tier": tier,
        "customers": customers,
        "format": fmt,
        "as_of_date": clock.as_of.isoformat(),
        "history_start_date": clock.start.isoformat(),
        "dirty_rate": rate,
        "bgnbd": {
            **BGNBD,
            "time_unit": "weeks",
            "applies_to": "orders whose status is not cancelled or refunded; each ordering customer's first "
            "such order is the trial purchase at t=0, T runs to the end of the as-of date",
            "note": "purchase times follow the process in seasonal operational time (weekly and yearly cycles, "
            "mean 1), so calendar-time fits recover the parameters approximately",
        },
        "gamma_gamma": {
            **GAMMA_GAMMA,
            "currency": "USD",
            "value": "net order value = sum(quantity * unit_price) - discount_amount, converted to USD at the "
            "order day's fx_rates.rate_to_usd; nu ~ Gamma(shape=q, rate=gamma), value ~ Gamma(shape=p, rate=nu)",
            "applies_to": "same orders as bgnbd",
        },
        "process_counts": process,
        "row_counts": rows,
        "expected_rejected_rows": rejected,
        "expected_accepted_rows": {t: rows[t] - rejected[t] for t in rows},
        "dirty_counts": dirty_counts,
        "dirty_total": sum(len(v) for v in sink.dirty.values()),
    }


def _write_meta(meta: Path, sink: Sink, truth: dict) -> None:
    with open(meta / "dirty_rows.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(DIRTY_COLUMNS)
        for t in TABLES:
            for key, kind, row, col in sorted(sink.dirty[t.name], key=lambda d: d[2]):
                writer.writerow((t.name, key, kind, row, col, DIRTY_KINDS[kind] or ""))
    with open(meta / "truth.json", "w", encoding="utf-8") as fh:
        json.dump(truth, fh, indent=2, ensure_ascii=False)
        fh.write("\n")


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m crmwh.generate",
        description="Generate the raw CRM exports (one file per table of crmwh.contract) with dirty rows "
        "injected on purpose, plus META/dirty_rows.csv and META/truth.json.",
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument(
        "--tier", choices=sorted(TIERS), default="demo", help="size preset: demo 2k, M 100k, L 1M customers"
    )
    size.add_argument("--customers", type=int, help="number of customers (every table scales with it)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv", dest="fmt", help="file format")
    parser.add_argument("--out", type=Path, required=True, help="output directory for raw_<table> files")
    parser.add_argument("--meta-dir", type=Path, help="where dirty_rows.csv and truth.json go (default OUT/_meta)")
    parser.add_argument(
        "--dirty-rate", type=float, default=DEFAULT_DIRTY_RATE, help="share of dirty rows per table (default 0.02)"
    )
    parser.add_argument(
        "--as-of", type=_date, default=DEFAULT_AS_OF, help="last day of the 3-year history (default 2026-06-30)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    customers = args.customers if args.customers is not None else TIERS[args.tier]
    tier = None if args.customers is not None else args.tier
    if customers < 50:
        raise SystemExit("--customers must be at least 50")
    generate(
        args.out,
        customers,
        seed=args.seed,
        fmt=args.fmt,
        meta=args.meta_dir,
        dirty_rate=args.dirty_rate,
        as_of=args.as_of,
        tier=tier,
        quiet=args.quiet,
    )


if __name__ == "__main__":
    main()
