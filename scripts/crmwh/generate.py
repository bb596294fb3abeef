"""Generate the raw CRM exports of the warehouse: one file per contract table, plus ground truth.

Examples::

    PYTHONPATH=scripts python -m crmwh.generate --tier demo --out seeds/raw
    PYTHONPATH=scripts python -m crmwh.generate --tier M --format parquet --out data/raw_m
    PYTHONPATH=scripts python -m crmwh.generate --customers 300 --seed 7 --out /tmp/small

The output depends only on the arguments (seeded random streams, a fixed as-of date), never on the
clock or the machine. ``META/dirty_rows.csv`` lists every dirty row injected on purpose (one problem
per row) with the rejection reason staging must give it (empty when staging must repair it), and
``META/truth.json`` holds the true process parameters and the row and dirty counts.

Customers are generated in chunks of 25,000 (bounded memory), by up to ``--jobs`` worker processes;
chunk i numbers its rows from i * 10**(id width - 2) + 1, so ids have gaps between chunks and the
bytes written do not depend on the number of workers. Modules:

* ``gen_vocab``      canonical category values, the synonyms emitted (``SYNONYMS``), unknown values,
                     date formats, countries, cities, comments;
* ``gen_schema``     how each column is typed and written, and where each dirty kind lands per table;
* ``gen_core``       calendar, seasonality, typed frames, vectorised text formatting, writers;
* ``gen_world``      sales reps, quotas, products, campaigns, marketing spend, FX rates, CRM logins;
* ``gen_population`` one chunk of customers with leads, pipeline, orders, tickets, sessions, ...;
* ``gen_dirty``      dirty-row injection (one problem per row);
* ``gen_check``      independent checks of an output directory (used by the tests).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import json
import math
import multiprocessing as mp
import os
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crmwh.contract import DIRTY_KINDS, TABLES, TABLES_BY_NAME
from crmwh.gen_core import Clock, Formatter, Frame, Progress, TableWriter, days_of, encode, rng_for
from crmwh.gen_dirty import Injector
from crmwh.gen_population import ANON_SESSIONS_PER_CUSTOMER, BGNBD, GAMMA_GAMMA, Chunk
from crmwh.gen_schema import ID_KINDS, KINDS, SPECS, VISITOR_ID
from crmwh.gen_world import build_world, crm_logins


@dataclass(frozen=True)
class Tier:
    """A named size: customers, and the anonymous web traffic per customer (the only rate that differs)."""

    customers: int
    anon_sessions_per_customer: float = ANON_SESSIONS_PER_CUSTOMER


# M and L (and --customers) carry full-scale traffic: ~10 orders and ~50 web sessions per customer
# (L: ~10M orders, ~50M sessions). The committed demo keeps a light anonymous traffic (~20 sessions
# per customer) so that seeds/raw stays small enough to seed quickly on PostgreSQL in CI; every
# other rate is the same in all tiers. See DECISIONLOG.md.
TIERS = {
    "demo": Tier(2_000, anon_sessions_per_customer=5.5),
    "M": Tier(100_000),
    "L": Tier(1_000_000),
}
CHUNK_CUSTOMERS = 25_000
DEFAULT_AS_OF = dt.date(2026, 6, 30)
DEFAULT_DIRTY_RATE = 0.02
DIRTY_COLUMNS = ("table", "key", "kind", "row_number", "column", "expected_reason")
_STRUCTURAL = (",", '"', "\n", "\r")
TABLE_INDEX = {t.name: i for i, t in enumerate(TABLES)}


@dataclass
class Encoded:
    """One table chunk ready to append: payload, row count, dirty rows (0-based positions), seconds."""

    table: str
    payload: bytes | pa.Table
    rows: int
    dirty: list[tuple[str, str, int, str]]  # (key, kind, position, column)
    seconds: float


class Encoder:
    """Injects dirty rows into a typed chunk, formats it as text and encodes it for the writer."""

    def __init__(self, fmt: str, rate: float) -> None:
        self.fmt = fmt
        self.rate = rate
        self.formatter = Formatter()

    def encode(self, table: str, frame: Frame, injector: Injector, dirty_rng: np.random.Generator) -> Encoded:
        t0 = time.perf_counter()
        inj = injector.inject(frame, dirty_rng, self.rate)
        kinds = KINDS[table]
        final = inj.frame
        cols = {c: self.formatter.column(kinds[c], final[c]) for c in kinds}
        check = {c for c, k in kinds.items() if k.name == "str" or any(s in v for v in k.vocab for s in _STRUCTURAL)}
        n = len(final)
        for col, values in inj.overrides.items():
            cols[col] = _replace(cols[col], n, sorted(values.items()))
        dirty = []
        if inj.positions:
            pos = np.array(inj.positions, dtype=np.int64)
            key_text = [cols[k].take(pa.array(pos)).to_pylist() for k in TABLES_BY_NAME[table].key]
            for i, p in enumerate(pos):
                key = "|".join(v[i] if v[i] is not None else "" for v in key_text)
                dirty.append((key, inj.kinds[i], int(p), inj.columns[i]))
        if self.fmt == "csv":
            # only override texts can need quotes in columns formatted here: quote them one by one
            # instead of scanning whole columns
            for col, values in inj.overrides.items():
                needs = sorted((p, csv_quote(t)) for p, t in values.items() if col not in check and needs_quotes(t))
                if needs:
                    cols[col] = _replace(cols[col], n, needs)
        payload = encode(self.fmt, TABLES_BY_NAME[table].column_names, cols, check)
        return Encoded(table, payload, n, dirty, time.perf_counter() - t0)


class Sink:
    """The output files: world tables are emitted here directly, customer chunks arrive encoded."""

    def __init__(self, out: Path, fmt: str, rate: float, clock: Clock, progress: Progress, seed: int) -> None:
        self.seed = seed
        self.clock = clock
        self.progress = progress
        self.encoder = Encoder(fmt, rate)
        ext = "csv" if fmt == "csv" else "parquet"
        self.writers = {t.name: TableWriter(out / f"{t.raw_name}.{ext}", t.column_names, fmt) for t in TABLES}
        self.next_id: dict[str, int] = defaultdict(lambda: 1)
        self.calls: dict[str, int] = defaultdict(int)
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
        """World tables: dirty rows draw from their own stream, so clean data ignores the dirty rate."""
        call = self.calls[table]
        self.calls[table] = call + 1
        dirty_rng = rng_for(self.seed, 7, TABLE_INDEX[table], call)
        self.accept(self.encoder.encode(table, frame, self.injectors[table], dirty_rng))

    def accept(self, enc: Encoded) -> None:
        writer = self.writers[enc.table]
        before = writer.rows
        t0 = time.perf_counter()
        writer.write_encoded(enc.payload, enc.rows)
        for key, kind, pos, col in enc.dirty:
            self.dirty[enc.table].append((key, kind, before + pos + 1, col))
        self.seconds[enc.table] += enc.seconds + time.perf_counter() - t0

    def close(self) -> None:
        for w in self.writers.values():
            w.close()

    def rows(self) -> dict[str, int]:
        return {t.name: self.writers[t.name].rows for t in TABLES}


def id_block(table: str) -> int:
    """Ids of customer chunk i start at i * id_block + 1, so chunks can be generated in any order."""
    kind = VISITOR_ID if table == "visitors" else ID_KINDS[table]
    return 10 ** (kind.width - 2)


class ChunkSink:
    """Collects the encoded tables of one customer chunk (in a worker process or in-process)."""

    def __init__(self, index: int, seed: int, encoder: Encoder, history_start_ts: int) -> None:
        self.index = index
        self.seed = seed
        self.encoder = encoder
        self.used: dict[str, int] = defaultdict(int)
        self.results: list[Encoded] = []
        self.injectors = {
            t.name: Injector(
                SPECS[t.name],
                allocate=lambda n, name=t.name: self.allocate(name, n),
                history_start_ts=history_start_ts,
            )
            for t in TABLES
        }

    def allocate(self, table: str, n: int) -> int:
        block = id_block(table)
        first = self.index * block + 1 + self.used[table]
        self.used[table] += n
        if self.used[table] >= block:
            raise RuntimeError(f"{table}: more than {block:,} ids in one chunk; lower the chunk size")
        return first

    def emit(self, table: str, frame: Frame, rng: np.random.Generator) -> None:
        dirty_rng = rng_for(self.seed, 7, TABLE_INDEX[table], self.index)
        self.results.append(self.encoder.encode(table, frame, self.injectors[table], dirty_rng))


@dataclass
class ChunkResult:
    tables: list[Encoded]
    process: dict[str, int]


_JOB: dict = {}  # state shared with forked workers: world, sizes, seed, encoder, history start


def _in_order(pool: object, n: int, workers: int) -> Iterator[ChunkResult]:
    """Chunk results in chunk order, with at most ``workers + 1`` chunks in flight (bounded memory)."""
    if pool is None:
        yield from map(_chunk_job, range(n))
        return
    pending: deque = deque()
    submitted = 0
    while submitted < n or pending:
        while submitted < n and len(pending) < workers + 1:
            pending.append(pool.apply_async(_chunk_job, (submitted,)))
            submitted += 1
        yield pending.popleft().get()


def _chunk_job(index: int) -> ChunkResult:
    job = _JOB
    sink = ChunkSink(index, job["seed"], job["encoder"], job["start_ts"])
    chunk = Chunk(
        job["world"], rng_for(job["seed"], 3, index), job["sizes"][index], sink.emit, sink.allocate, job["anon"]
    )
    chunk.run()
    result = ChunkResult(sink.results, chunk.truth_counts)
    # the sink and its injectors refer to each other: break the cycle so the chunk's arrays and
    # encoded payloads are freed now, not at some later full garbage collection
    sink.injectors.clear()
    sink.results = []
    del chunk, sink
    gc.collect()
    return result


def needs_quotes(text: str) -> bool:
    return any(ch in text for ch in _STRUCTURAL)


def csv_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _replace(arr: pa.Array, n: int, values: list[tuple[int, str]]) -> pa.Array:
    """``arr`` with the text at each (position, text) pair, positions ascending."""
    mask = np.zeros(n, dtype=bool)
    mask[[p for p, _ in values]] = True
    return pc.replace_with_mask(arr, pa.array(mask), pa.array([t for _, t in values], pa.string()))


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
    jobs: int = 1,
    anon_sessions_per_customer: float | None = None,
) -> dict:
    """Write every raw table for ``customers`` customers; return the truth document.

    ``anon_sessions_per_customer`` is the anonymous web traffic; by default the named ``tier``'s,
    else the full-scale rate (``gen_population.ANON_SESSIONS_PER_CUSTOMER``).

    Customers are generated in chunks of ``chunk_customers`` (memory stays bounded); the output
    depends on the chunk size, so it is fixed for the command line. ``jobs`` worker processes
    generate chunks in parallel; the output does not depend on it.
    """
    if anon_sessions_per_customer is None:
        anon_sessions_per_customer = TIERS[tier].anon_sessions_per_customer if tier else ANON_SESSIONS_PER_CUSTOMER
    if anon_sessions_per_customer < 0:
        raise ValueError("anonymous sessions per customer must not be negative")
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
        _JOB.update(
            world=world,
            sizes=sizes,
            seed=seed,
            encoder=sink.encoder,
            start_ts=clock.start_ts,
            anon=anon_sessions_per_customer,
        )
        workers = min(jobs, len(sizes))
        pool = mp.get_context("fork").Pool(workers) if workers > 1 else None
        try:
            for i, result in enumerate(_in_order(pool, len(sizes), workers)):
                for enc in result.tables:
                    sink.accept(enc)
                for k, v in result.process.items():
                    process[k] += v
                rows = sink.rows()
                progress.log(
                    f"chunk {i + 1}/{len(sizes)}: customers {rows['customers']:,}, orders {rows['orders']:,}, "
                    f"order_items {rows['order_items']:,}, web_sessions {rows['web_sessions']:,}"
                )
        finally:
            if pool:
                pool.close()
                pool.join()
            _JOB.clear()
    finally:
        sink.close()
    process_params = {"anon_sessions_per_customer": anon_sessions_per_customer}
    truth = _truth(sink, seed, tier, customers, clock, dirty_rate, fmt, dict(process), process_params)
    _write_meta(meta, sink, truth)
    for t in TABLES:
        progress.log(f"  {t.name:<27} {sink.writers[t.name].rows:>11,} rows  {sink.seconds[t.name]:6.1f}s writing")
    progress.log(f"done: {sum(sink.rows().values()):,} rows")
    return truth


def _truth(
    sink: Sink,
    seed: int,
    tier: str | None,
    customers: int,
    clock: Clock,
    rate: float,
    fmt: str,
    process: dict,
    params: dict,
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
        "web_traffic": {
            **params,
            "note": "sessions of visitors who never sign up, per customer; customers' own sessions come on top",
        },
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
        "--tier",
        choices=sorted(TIERS),
        default="demo",
        help="size preset: demo 2k customers (light anonymous web traffic, the committed seeds), "
        "M 100k (~1M orders, ~5M web sessions), L 1M (~10M orders, ~50M web sessions)",
    )
    size.add_argument("--customers", type=int, help="number of customers (every table scales with it)")
    parser.add_argument(
        "--anon-sessions-per-customer",
        type=float,
        help="anonymous web sessions per customer (default: the tier's; "
        f"{ANON_SESSIONS_PER_CUSTOMER:g} with --customers, giving ~50 sessions per customer in all)",
    )
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
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="worker processes for customer chunks (default: up to 2); the output does not depend on it",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    customers = args.customers if args.customers is not None else TIERS[args.tier].customers
    tier = None if args.customers is not None else args.tier
    if customers < 50:
        raise SystemExit("--customers must be at least 50")
    if args.anon_sessions_per_customer is not None and args.anon_sessions_per_customer < 0:
        raise SystemExit("--anon-sessions-per-customer must not be negative")
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
        jobs=max(1, args.jobs),
        anon_sessions_per_customer=args.anon_sessions_per_customer,
    )


if __name__ == "__main__":
    main()
