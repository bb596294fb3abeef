"""Building blocks of the generator: calendar and seasonality, typed column frames, text formatting, writers.

Tables are built as *typed* frames (numpy arrays of epoch seconds, day numbers, cents, category codes,
id numbers) and only turned into text at the end, with vectorised pyarrow compute functions, so that
millions of rows format in seconds. Writers append one chunk at a time (CSV with minimal quoting, or
Parquet with every column typed string).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

DAY = 86_400
HOUR = 3_600
NA = np.iinfo(np.int64).min  # null marker of integer-typed columns (ts, date, money, int)
EPOCH = dt.date(1970, 1, 1)


def rng_for(seed: int, *stream: int) -> np.random.Generator:
    """Independent, reproducible random stream for (seed, stream...)."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, *stream])))


def days_of(d: dt.date) -> int:
    return (d - EPOCH).days


def date_of(days: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(days))


# --- Calendar -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Clock:
    """The history window: ``years`` years ending on (and including) ``as_of``."""

    as_of: dt.date
    years: int = 3

    @property
    def start(self) -> dt.date:
        try:
            back = self.as_of.replace(year=self.as_of.year - self.years)
        except ValueError:  # 29 February
            back = self.as_of.replace(year=self.as_of.year - self.years, day=28)
        return back + dt.timedelta(days=1)

    @property
    def start_day(self) -> int:
        return days_of(self.start)

    @property
    def end_day(self) -> int:  # exclusive
        return days_of(self.as_of) + 1

    @property
    def n_days(self) -> int:
        return self.end_day - self.start_day

    @property
    def start_ts(self) -> int:
        return self.start_day * DAY

    @property
    def end_ts(self) -> int:  # exclusive: first second after the as-of day
        return self.end_day * DAY

    def day_numbers(self) -> np.ndarray:
        return np.arange(self.start_day, self.end_day, dtype=np.int64)

    def weekday(self) -> np.ndarray:
        """Monday = 0 for every day of the history."""
        return (self.day_numbers() + 3) % 7

    def month(self) -> np.ndarray:
        """Month 1-12 for every day of the history."""
        return self.day_numbers().astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 + 1

    def year(self) -> np.ndarray:
        return self.day_numbers().astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


CONSUMER_MONTH = np.array([0.85, 0.80, 0.92, 0.95, 1.00, 0.95, 0.90, 0.92, 1.00, 1.05, 1.35, 1.55])
CONSUMER_WEEKDAY = np.array([1.06, 1.00, 0.97, 0.98, 1.00, 0.92, 1.07])
BUSINESS_MONTH = np.array([0.95, 1.00, 1.05, 1.00, 1.00, 0.95, 0.85, 0.80, 1.00, 1.05, 1.05, 0.90])
BUSINESS_WEEKDAY = np.array([1.05, 1.10, 1.10, 1.05, 0.95, 0.22, 0.12])
# Local hour-of-day weights.
# fmt: off
CONSUMER_HOURS = np.array([1, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.2, 2.8, 3.0, 3.2,
                           3.3, 3.2, 3.1, 3.2, 3.4, 3.7, 4.2, 4.8, 5.0, 4.6, 3.4, 2.0])
BUSINESS_HOURS = np.array([0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 1.0, 3.5, 5.0, 5.2, 4.8,
                           3.5, 4.2, 4.8, 4.6, 4.0, 2.8, 1.2, 0.6, 0.4, 0.3, 0.2, 0.1])
# fmt: on


def black_friday_boost(clock: Clock) -> np.ndarray:
    """Factor 1.6 from Black Friday to Cyber Monday, 1.0 elsewhere."""
    days = clock.day_numbers()
    out = np.ones(len(days))
    month, weekday = clock.month(), clock.weekday()
    dom = days.astype("datetime64[D]") - days.astype("datetime64[D]").astype("datetime64[M]")
    dom = dom.astype(np.int64) + 1
    # 4th Thursday of November is the Thursday with day-of-month 22..28; Black Friday is the next day.
    thanksgiving = (month == 11) & (weekday == 3) & (dom >= 22) & (dom <= 28)
    for offset in range(1, 5):
        idx = np.flatnonzero(thanksgiving) + offset
        out[idx[idx < len(out)]] = 1.6
    return out


def consumer_season(clock: Clock) -> np.ndarray:
    return CONSUMER_MONTH[clock.month() - 1] * CONSUMER_WEEKDAY[clock.weekday()] * black_friday_boost(clock)


def business_season(clock: Clock) -> np.ndarray:
    return BUSINESS_MONTH[clock.month() - 1] * BUSINESS_WEEKDAY[clock.weekday()]


def growth(clock: Clock, start: float = 0.75, end: float = 1.25) -> np.ndarray:
    return np.linspace(start, end, clock.n_days)


class Intensity:
    """A daily intensity over the history, for sampling event times with seasonality.

    ``sample(lo, hi)`` draws one time per row in [lo, hi) with density proportional to the daily
    weight; ``hours`` (local hour weights) and ``tz_minutes`` then place the time within its day.
    """

    def __init__(self, clock: Clock, weights: np.ndarray) -> None:
        self.clock = clock
        self.w = np.asarray(weights, dtype=np.float64)
        self.cum = np.concatenate([[0.0], np.cumsum(self.w)])

    def position(self, ts: np.ndarray) -> np.ndarray:
        x = np.clip((np.asarray(ts, dtype=np.float64) - self.clock.start_ts) / DAY, 0.0, self.clock.n_days)
        i = np.minimum(x.astype(np.int64), self.clock.n_days - 1)
        return self.cum[i] + (x - i) * self.w[i]

    def inverse(self, u: np.ndarray) -> np.ndarray:
        i = np.clip(np.searchsorted(self.cum, u, side="right") - 1, 0, self.clock.n_days - 1)
        frac = np.clip((u - self.cum[i]) / self.w[i], 0.0, 1.0)
        return self.clock.start_ts + (i + frac) * DAY

    def sample(
        self,
        rng: np.random.Generator,
        lo: np.ndarray | int,
        hi: np.ndarray | int,
        n: int | None = None,
        hours: np.ndarray | None = None,
        tz_minutes: np.ndarray | int = 0,
    ) -> np.ndarray:
        lo_a = np.broadcast_to(np.asarray(lo, dtype=np.int64), (n,) if n is not None else np.shape(lo))
        hi_a = np.broadcast_to(np.asarray(hi, dtype=np.int64), lo_a.shape)
        size = lo_a.shape[0]
        a, b = self.position(lo_a), self.position(hi_a)
        t = self.inverse(a + rng.random(size) * (b - a)).astype(np.int64)
        if hours is not None:
            day_start = (t // DAY) * DAY
            local = sample_seconds_of_day(rng, size, hours)
            t2 = day_start + local - np.asarray(tz_minutes, dtype=np.int64) * 60
            ok = (t2 > lo_a) & (t2 < hi_a)
            t = np.where(ok, t2, t)
        return np.clip(t, lo_a, np.maximum(hi_a - 1, lo_a))


def sample_seconds_of_day(rng: np.random.Generator, n: int, hours: np.ndarray) -> np.ndarray:
    p = hours / hours.sum()
    return rng.choice(24, size=n, p=p).astype(np.int64) * HOUR + rng.integers(0, HOUR, n)


def choice(rng: np.random.Generator, weights: Sequence[float], n: int) -> np.ndarray:
    """Category codes 0..k-1 drawn with the given (unnormalised) weights."""
    w = np.asarray(weights, dtype=np.float64)
    return np.searchsorted(np.cumsum(w) / w.sum(), rng.random(n), side="right").clip(0, len(w) - 1)


def zipf_weights(k: int, s: float = 0.9) -> np.ndarray:
    return 1.0 / np.arange(1, k + 1) ** s


def group_starts(group: np.ndarray) -> np.ndarray:
    """For a sorted group array, the index of the first row of each row's group."""
    n = len(group)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.ones(n, dtype=bool)
    new[1:] = group[1:] != group[:-1]
    starts = np.flatnonzero(new)
    return starts[np.cumsum(new) - 1]


def rank_in_group(group: np.ndarray) -> np.ndarray:
    """0-based position of each row within its (sorted, contiguous) group."""
    return np.arange(len(group)) - group_starts(group)


def count_before(group_ev: np.ndarray, t_ev: np.ndarray, group_q: np.ndarray, t_q: np.ndarray) -> np.ndarray:
    """For each query (group, t): how many events of the same group happened strictly before t."""
    if len(group_ev) == 0:
        return np.zeros(len(group_q), dtype=np.int64)
    key_ev = group_ev.astype(np.int64) * (1 << 34) + (t_ev - t_ev.min() + 1)
    order = np.sort(key_ev)
    base = t_ev.min() - 1
    key_lo = group_q.astype(np.int64) * (1 << 34)
    key_t = key_lo + np.clip(t_q - base, 0, (1 << 34) - 1)
    return np.searchsorted(order, key_t, side="left") - np.searchsorted(order, key_lo, side="left")


def sum_before(
    group_ev: np.ndarray, t_ev: np.ndarray, values: np.ndarray, group_q: np.ndarray, t_q: np.ndarray
) -> np.ndarray:
    """For each query (group, t): the sum of ``values`` of same-group events strictly before t."""
    if len(group_ev) == 0:
        return np.zeros(len(group_q))
    base = t_ev.min() - 1
    key_ev = group_ev.astype(np.int64) * (1 << 34) + (t_ev - base)
    order = np.argsort(key_ev, kind="stable")
    keys = key_ev[order]
    cum = np.concatenate([[0.0], np.cumsum(values[order])])
    key_lo = group_q.astype(np.int64) * (1 << 34)
    hi = np.searchsorted(keys, key_lo + np.clip(t_q - base, 0, (1 << 34) - 1), side="left")
    lo = np.searchsorted(keys, key_lo, side="left")
    return cum[hi] - cum[lo]


# --- Typed columns --------------------------------------------------------------------------
@dataclass(frozen=True)
class Kind:
    """How a typed column is stored and written.

    id: int64 number (-1 = null) written as prefix + zero-padded number; ts: epoch seconds; date: day
    number; money: cents; int: integer; cat: int code into ``vocab`` (-1 = null); bool: 0/1 (-1 null);
    rate: float written with 10 decimals; str: a pyarrow string array.
    """

    name: str
    prefix: str = ""
    width: int = 0
    vocab: tuple[str, ...] = ()


def ID(prefix: str, width: int) -> Kind:  # noqa: N802 - constructor
    return Kind("id", prefix, width)


def CAT(vocab: Sequence[str]) -> Kind:  # noqa: N802 - constructor
    return Kind("cat", vocab=tuple(vocab))


TS, DATE, MONEY, INT, BOOL, RATE, STR = (Kind(k) for k in ("ts", "date", "money", "int", "bool", "rate", "str"))


class Frame:
    """Columns of one table chunk: typed arrays plus hidden helper columns (names starting with '_')."""

    def __init__(self, kinds: dict[str, Kind], cols: dict[str, Any]) -> None:
        self.kinds = kinds
        self.cols = cols
        lengths = {len(v) for v in cols.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of unequal length: { {k: len(v) for k, v in cols.items()} }")
        self.n = lengths.pop() if lengths else 0

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, name: str) -> Any:
        return self.cols[name]

    def take(self, idx: np.ndarray) -> Frame:
        idx = np.asarray(idx, dtype=np.int64)
        out = {}
        for name, col in self.cols.items():
            out[name] = col.take(pa.array(idx)) if isinstance(col, pa.Array | pa.ChunkedArray) else col[idx]
        return Frame(self.kinds, out)

    def copy(self) -> Frame:
        return Frame(self.kinds, {k: (v if isinstance(v, pa.Array) else v.copy()) for k, v in self.cols.items()})

    @staticmethod
    def concat(frames: Sequence[Frame]) -> Frame:
        first = frames[0]
        out = {}
        for name, col in first.cols.items():
            parts = [f.cols[name] for f in frames]
            if isinstance(col, pa.Array | pa.ChunkedArray):
                out[name] = pa.concat_arrays(
                    [p.combine_chunks() if isinstance(p, pa.ChunkedArray) else p for p in parts]
                )
            else:
                out[name] = np.concatenate(parts)
        return Frame(first.kinds, out)


# --- Text formatting ------------------------------------------------------------------------
def _fixed_width(data: np.ndarray, valid: np.ndarray | None) -> pa.Array:
    """A string array from an (n, width) uint8 matrix of bytes; rows where ``valid`` is False are null."""
    n, width = data.shape
    offsets = np.arange(0, width * (n + 1), width, dtype=np.int32)
    validity = None
    null_count = 0
    if valid is not None and not valid.all():
        validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
        null_count = int(n - valid.sum())
    return pa.Array.from_buffers(
        pa.string(),
        n,
        [validity, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(data).reshape(-1))],
        null_count=null_count,
    )


class Formatter:
    """Turns typed columns into pyarrow string arrays (vectorised: fixed-width byte matrices, lookups)."""

    def __init__(self) -> None:
        self.date_base = days_of(dt.date(1900, 1, 1))
        n = days_of(dt.date(2101, 1, 1)) - self.date_base
        text = "".join(np.datetime_as_string(np.arange(self.date_base, self.date_base + n).astype("datetime64[D]")))
        self.date_bytes = np.frombuffer(text.encode(), dtype=np.uint8).reshape(n, 10)
        sod = np.arange(DAY)
        text = "".join(
            f"{h:02d}:{m:02d}:{s:02d}" for h, m, s in zip(sod // 3600, sod // 60 % 60, sod % 60, strict=True)
        )
        self.time_bytes = np.frombuffer(text.encode(), dtype=np.uint8).reshape(DAY, 8)
        self.two_digits = pa.array([f"{i:02d}" for i in range(100)])

    def column(self, kind: Kind, values: Any) -> pa.Array:
        k = kind.name
        if k == "str":
            return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        v = np.asarray(values)
        if k == "id":
            return self.ids(kind.prefix, kind.width, v)
        if k == "cat":
            vocab = pa.array(kind.vocab, pa.string())
            return vocab.take(pa.array(v.astype(np.int32), mask=v < 0))
        if k == "bool":
            return pa.array(["false", "true"]).take(pa.array(v.astype(np.int32), mask=v < 0))
        null = v == NA
        if k == "ts":
            return self.timestamps(v, null)
        if k == "date":
            return self.dates(v, null)
        if k == "money":
            return self.money(v, null)
        if k == "int":
            return pc.cast(pa.array(v, mask=null), pa.string())
        if k == "rate":
            return self.rates(v)
        raise ValueError(k)

    def ids(self, prefix: str, width: int, v: np.ndarray) -> pa.Array:
        null = v < 0
        if len(v) and v.max() >= 10**width:  # more ids than the width holds: variable width
            digits = pc.utf8_lpad(pc.cast(pa.array(v, mask=null), pa.string()), width, "0")
            return pc.binary_join_element_wise(pa.scalar(prefix), digits, "")
        head = np.frombuffer(prefix.encode(), dtype=np.uint8)
        out = np.empty((len(v), len(head) + width), dtype=np.uint8)
        out[:, : len(head)] = head
        x = np.where(null, 0, v)
        for k in range(width - 1, -1, -1):
            out[:, len(head) + k] = x % 10 + 48
            x = x // 10
        return _fixed_width(out, ~null)

    def dates(self, days: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
        null = days == NA if null is None else null
        return _fixed_width(self.date_bytes[np.where(null, 0, days - self.date_base)], ~null)

    def timestamps(self, ts: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
        null = ts == NA if null is None else null
        safe = np.where(null, 0, ts)
        out = np.empty((len(ts), 20), dtype=np.uint8)
        out[:, :10] = self.date_bytes[safe // DAY - self.date_base]
        out[:, 10] = ord("T")
        out[:, 11:19] = self.time_bytes[safe % DAY]
        out[:, 19] = ord("Z")
        return _fixed_width(out, ~null)

    def money(self, cents: np.ndarray, null: np.ndarray) -> pa.Array:
        safe = np.where(null, 0, cents)
        a = np.abs(safe)
        whole = pc.cast(pa.array(a // 100, mask=null), pa.string())
        s = pc.binary_join_element_wise(whole, self.two_digits.take(pa.array(a % 100)), ".")
        neg = safe < 0
        if neg.any():
            s = pc.if_else(pa.array(neg), pc.binary_join_element_wise(pa.scalar("-"), s, ""), s)
        return s

    def rates(self, x: np.ndarray) -> pa.Array:
        null = np.isnan(x)
        v = np.round(np.abs(np.where(null, 0.0, x)) * 1e10).astype(np.int64)
        whole = pc.cast(pa.array(v // 10**10, mask=null), pa.string())
        frac = pc.utf8_lpad(pc.cast(pa.array(v % 10**10), pa.string()), 10, "0")
        s = pc.binary_join_element_wise(whole, frac, ".")
        neg = np.where(null, False, x < 0)
        if neg.any():
            s = pc.if_else(pa.array(neg), pc.binary_join_element_wise(pa.scalar("-"), s, ""), s)
        return s


def py_timestamp(ts: int) -> str:
    return dt.datetime.fromtimestamp(int(ts), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def py_datetime(ts: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(int(ts), dt.UTC)


# --- Writers --------------------------------------------------------------------------------
_NEEDS_QUOTES = r'[,"\r\n]'


def csv_escape(arr: pa.Array) -> pa.Array:
    """Quote the values that need it (RFC 4180: delimiter, quote or line break inside)."""
    mask = pc.match_substring_regex(arr, _NEEDS_QUOTES)
    if not pc.any(mask).as_py():
        return arr
    quoted = pc.binary_join_element_wise(pa.scalar('"'), pc.replace_substring(arr, '"', '""'), pa.scalar('"'), "")
    return pc.if_else(pc.fill_null(mask, False), quoted, arr)


def encode_csv(columns: Sequence[str], cols: dict[str, pa.Array], check_quotes: set[str]) -> bytes:
    """CSV lines (no header) of string columns: minimal RFC 4180 quoting, empty for null, '\\n' endings."""
    arrays = [cols[c] for c in columns]
    n = len(arrays[0]) if arrays else 0
    pieces = []
    step = 500_000
    for lo in range(0, n, step):
        parts = []
        for name, arr in zip(columns, arrays, strict=True):
            part = arr.slice(lo, step)
            if name in check_quotes:
                part = csv_escape(part)
            parts.append(part)
        line = pc.binary_join_element_wise(*parts, ",", null_handling="replace", null_replacement="")
        line = pc.binary_join_element_wise(line, pa.scalar(""), "\n")
        line = line.combine_chunks() if isinstance(line, pa.ChunkedArray) else line
        if line.offset:
            line = pa.concat_arrays([line])
        offsets = np.frombuffer(line.buffers()[1], dtype=np.int32, count=len(line) + 1)
        pieces.append(memoryview(line.buffers()[2])[offsets[0] : offsets[-1]].tobytes())
    return b"".join(pieces)


def encode(fmt: str, columns: Sequence[str], cols: dict[str, pa.Array], check_quotes: set[str]) -> bytes | pa.Table:
    """What ``TableWriter.write_encoded`` appends: CSV bytes, or a table of string columns for Parquet."""
    if fmt == "csv":
        return encode_csv(columns, cols, check_quotes)
    return pa.table([cols[c] for c in columns], schema=pa.schema([(c, pa.string()) for c in columns]))


class TableWriter:
    """Appends chunks of one table to ``DIR/<name>.csv`` or ``.parquet`` (all columns text)."""

    def __init__(self, path: Path, columns: Sequence[str], fmt: str) -> None:
        self.path = path
        self.columns = list(columns)
        self.fmt = fmt
        self.rows = 0
        if fmt == "csv":
            self._fh = open(path, "wb")  # noqa: SIM115 - closed in close()
            self._fh.write((",".join(self.columns) + "\n").encode())
            self._pq = None
        else:
            self.schema = pa.schema([(c, pa.string()) for c in self.columns])
            self._pq = pq.ParquetWriter(path, self.schema, compression="snappy")
            self._fh = None

    def encode(self, cols: dict[str, pa.Array], check_quotes: set[str]) -> bytes | pa.Table:
        return encode(self.fmt, self.columns, cols, check_quotes)

    def write_encoded(self, payload: bytes | pa.Table, n: int) -> None:
        if n == 0:
            return
        self.rows += n
        if self._pq is not None:
            self._pq.write_table(payload)
        else:
            self._fh.write(payload)

    def write(self, cols: dict[str, pa.Array], check_quotes: set[str]) -> None:
        n = len(cols[self.columns[0]]) if self.columns else 0
        self.write_encoded(self.encode(cols, check_quotes), n)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        if self._pq is not None:
            self._pq.close()


class Progress:
    """Progress lines on stderr: what was written, how many rows, elapsed seconds."""

    def __init__(self, quiet: bool = False) -> None:
        self.t0 = time.perf_counter()
        self.quiet = quiet

    def elapsed(self) -> float:
        return time.perf_counter() - self.t0

    def log(self, message: str) -> None:
        if not self.quiet:
            print(f"[{self.elapsed():7.1f}s] {message}", file=sys.stderr, flush=True)
