"""Injects dirty rows into a clean table chunk, one problem per row, and remembers each one.

Two families, following ``contract.DIRTY_KINDS``:

* kinds that staging must *reject* are added as **extra rows**: a copy of a random clean row with a
  fresh key (or, for ``duplicate_key``, the same key and an older ``updated_at``) and exactly one
  defect. The clean rows stay complete, so the accepted rows of every table equal the clean data
  and nothing else is orphaned by a rejection (no clean row ever refers to an extra row);
* kinds that staging must *repair* are applied **in place** to clean rows, keeping the true value
  recoverable (same instant in another format, synonym of the same category, same email/phone in
  another format, spaces around the same text, NFD form of the same text).

A row is touched by at most one kind, and rows used as duplicate sources are never repaired in place.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from crmwh.contract import TABLES_BY_NAME
from crmwh.gen_core import DAY, HOUR, NA, Frame, Kind, date_of, py_datetime
from crmwh.gen_schema import ID_KINDS, KINDS, DirtySpec
from crmwh.gen_vocab import (
    FOREIGN_NAME_COLUMNS,
    LANGUAGES,
    NON_NUMERIC_AMOUNTS,
    NON_NUMERIC_INTEGERS,
    OTHER_DATE_FORMATS,
    OTHER_TIMESTAMP_FORMATS,
    SCORE_RANGES,
    SYNONYMS,
    UNKNOWN_CATEGORY_COLUMNS,
    UNKNOWN_CURRENCIES,
    UNKNOWN_VALUES,
    UNPARSEABLE_DATES,
    UTC_OFFSETS_MINUTES,
    nfd_differs,
)

REPAIRED = ("other_date_format", "foreign_category_name", "mixed_format_contact", "padded_whitespace", "nfd_text")


@dataclass
class Injected:
    """The chunk in output order, text overrides per column, and the dirty rows (positions in it)."""

    frame: Frame
    overrides: dict[str, dict[int, str]] = field(default_factory=dict)
    positions: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


def py_text(kind: Kind, value: object) -> str | None:
    """Text of one typed value, exactly as the vectorised formatter writes it."""
    k = kind.name
    if k == "str":
        return value  # type: ignore[return-value]
    v = int(value) if k not in ("rate",) else float(value)  # type: ignore[arg-type]
    if k in ("id", "cat", "bool") and v < 0:
        return None
    if k in ("ts", "date", "money", "int") and v == NA:
        return None
    if k == "id":
        return f"{kind.prefix}{v:0{kind.width}d}"
    if k == "cat":
        return kind.vocab[v]
    if k == "bool":
        return "true" if v else "false"
    if k == "ts":
        return py_datetime(v).strftime("%Y-%m-%dT%H:%M:%SZ")
    if k == "date":
        return date_of(v).isoformat()
    if k == "money":
        return f"{'-' if v < 0 else ''}{abs(v) // 100}.{abs(v) % 100:02d}"
    if k == "int":
        return str(v)
    raise ValueError(k)


def impossible_text(kind: Kind, value: int, attempt: int = 0) -> str:
    """A date that cannot exist in the true value's month: 30 Feb, 31 Apr/Jun/Sep/Nov, day 32."""
    when = py_datetime(value) if kind.name == "ts" else dt.datetime.combine(date_of(value), dt.time())
    year = when.year - attempt
    month = when.month
    day = 30 if month == 2 else 31 if month in (4, 6, 9, 11) else 32
    text = f"{year:04d}-{month:02d}-{day:02d}"
    return f"{text}T{when:%H:%M:%S}Z" if kind.name == "ts" else text


def other_format_text(kind: Kind, value: int, rng: np.random.Generator) -> str:
    """The true instant or day in one of the tolerated non-ISO formats (see gen_vocab)."""
    if kind.name == "date":
        return date_of(value).strftime(OTHER_DATE_FORMATS[int(rng.integers(len(OTHER_DATE_FORMATS)))])
    when = py_datetime(value)
    formats = [f for f in OTHER_TIMESTAMP_FORMATS if f != "%d.%m.%Y %H:%M" or when.second == 0]
    fmt = formats[int(rng.integers(len(formats)))]
    if fmt != "iso_offset":
        return when.strftime(fmt)
    offset = UTC_OFFSETS_MINUTES[int(rng.integers(len(UTC_OFFSETS_MINUTES)))]
    local = when + dt.timedelta(minutes=offset)
    sign = "+" if offset >= 0 else "-"
    return f"{local:%Y-%m-%dT%H:%M:%S}{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"


PHONE_CODES = ("1", "7", "44", "84", "98", "86")


def mixed_phone(e164: str, rng: np.random.Generator) -> str:
    """The same phone number as typed by a person: spaces, brackets, dashes, 00 prefix."""
    digits = e164.lstrip("+")
    cc = next(c for c in PHONE_CODES if digits.startswith(c))
    nat = digits[len(cc) :]
    style = int(rng.integers(5))
    if style == 0:  # +1 (555) 010-2030
        return f"+{cc} ({nat[:3]}) {nat[3:6]}-{nat[6:]}"
    if style == 1:  # 00 84 912 345 678
        return f"00 {cc} " + " ".join(nat[i : i + 3] for i in range(0, len(nat), 3))
    if style == 2:  # +7 912-345-67-89
        return f"+{cc} {nat[:3]}-{nat[3:6]}-{nat[6:8]}-{nat[8:]}".rstrip("-")
    if style == 3:  # +86.138.1234.5678
        return f"+{cc}." + ".".join(nat[i : i + 4] for i in range(0, len(nat), 4))
    return f"(+{cc}) {nat}"


def mixed_email(email: str, rng: np.random.Generator) -> str:
    local, _, domain = email.partition("@")
    if int(rng.integers(2)) == 0:
        return email.upper()
    parts = domain.split(".")
    domain = ".".join([p.capitalize() for p in parts[:-1]] + [parts[-1].upper()])
    return f"{local[:1].upper()}{local[1:]}@{domain}"


PADDINGS = ((" ", ""), ("", " "), ("  ", "  "), (" ", " "), ("", "   "))


def padded(text: str, rng: np.random.Generator) -> str:
    """Leading and/or trailing spaces around the same text."""
    before, after = PADDINGS[int(rng.integers(len(PADDINGS)))]
    return f"{before}{text}{after}"


class Injector:
    """Dirty-row injection for one table; keeps per-table state (fresh composite keys) across chunks."""

    def __init__(
        self,
        spec: DirtySpec,
        allocate: Callable[[int], int],
        fresh_composite: Callable[[Frame, Frame, np.random.Generator], None] | None = None,
        history_start_ts: int = 0,
    ) -> None:
        self.spec = spec
        self.table = TABLES_BY_NAME[spec.table]
        self.kinds_of = KINDS[spec.table]
        self.allocate = allocate
        self.fresh_composite = fresh_composite
        self.history_start_ts = history_start_ts

    # -- helpers -------------------------------------------------------------------------
    def _text(self, frame: Frame, col: str, rows: np.ndarray) -> list[str | None]:
        kind = self.kinds_of[col]
        values = frame[col]
        if kind.name == "str":
            return values.take(rows).to_pylist()
        return [py_text(kind, values[r]) for r in rows]

    def _non_null(self, frame: Frame, col: str, rows: np.ndarray) -> np.ndarray:
        kind = self.kinds_of[col]
        values = frame[col]
        if kind.name == "str":
            return ~np.asarray(values.take(rows).is_null().to_numpy(zero_copy_only=False), dtype=bool)
        v = values[rows]
        if kind.name in ("id", "cat", "bool"):
            return v >= 0
        if kind.name == "rate":
            return ~np.isnan(v)
        return v != NA

    def _fresh_key(self, block: Frame, frame: Frame, rng: np.random.Generator) -> None:
        key = self.table.key
        if len(key) == 1 and self.kinds_of[key[0]].name == "id":
            start = self.allocate(len(block))
            block.cols[key[0]] = np.arange(start, start + len(block), dtype=np.int64)
        elif self.fresh_composite is not None:
            self.fresh_composite(block, frame, rng)
        else:
            raise ValueError(f"{self.spec.table}: composite key needs a fresh-key function")

    def _orphan(self, col: str, rng: np.random.Generator) -> str:
        target = self.table.foreign_keys[col].split(".")[0]
        kind = ID_KINDS[target]
        return f"{kind.prefix}9{int(rng.integers(0, 10**kind.width)):0{kind.width}d}"

    # -- main ----------------------------------------------------------------------------
    def inject(self, frame: Frame, rng: np.random.Generator, rate: float) -> Injected:
        n = len(frame)
        spec = self.spec
        kinds = spec.kinds()
        if rate <= 0 or n == 0:
            return Injected(frame)
        target = rate * n / len(kinds)

        used = np.zeros(n, dtype=bool)
        overrides: dict[str, dict[int, str]] = {}
        dirty: list[tuple[int, str, str]] = []  # (row in clean+extra numbering, kind, column)
        blocks: list[Frame] = []
        offset = n

        def count() -> int:
            k = int(target)
            k += int(rng.random() < target - k)
            return max(1, k)

        def pick(k: int, ok: Callable[[np.ndarray], np.ndarray] | None, exclusive: bool) -> np.ndarray:
            chosen: list[np.ndarray] = []
            have = 0
            for attempt in range(6):
                if n <= 50_000 or attempt == 5:
                    cand = rng.permutation(n)
                else:
                    cand = np.unique(rng.integers(0, n, size=min(n, 16 * k + 64)))
                    cand = cand[rng.permutation(len(cand))]
                if exclusive:
                    cand = cand[~used[cand]]
                for prev in chosen:
                    if len(prev):
                        cand = cand[~np.isin(cand, prev)]
                if ok is not None and len(cand):
                    cand = cand[ok(cand)]
                got = cand[: k - have]
                chosen.append(got)
                have += len(got)
                if have >= k or n <= 50_000:
                    break
            rows = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
            if exclusive:
                used[rows] = True
            return rows.astype(np.int64)

        def override(col: str, row: int, text: str) -> None:
            overrides.setdefault(col, {})[row] = text

        def add_block(block: Frame, kind: str, cols: list[str]) -> None:
            nonlocal offset
            for i, col in enumerate(cols):
                dirty.append((offset + i, kind, col))
            blocks.append(block)
            offset += len(block)

        key = self.table.key
        kd = self.kinds_of
        for kind in kinds:
            k = count()
            if kind == "duplicate_key":
                ok = None
                upd = spec.updated_col
                if upd and spec.created_col:
                    cr = spec.created_col

                    def ok(rows: np.ndarray, upd: str = upd, cr: str = cr) -> np.ndarray:
                        return frame[upd][rows] - frame[cr][rows] >= 2

                rows = pick(k, ok, exclusive=True)
                block = frame.take(rows)
                if upd:
                    u = block[upd].copy()
                    if spec.created_col:
                        c = block[spec.created_col]
                        stale = c + np.maximum(1, ((u - c) * rng.uniform(0.1, 0.9, len(u))).astype(np.int64))
                        stale = np.minimum(stale, u - 1)
                    else:
                        stale = u - rng.integers(HOUR, 30 * DAY, len(u))
                    block.cols[upd] = stale
                for col, value in spec.stale_values.items():
                    vals = block[col].copy()
                    vals[:] = kd[col].vocab.index(value)
                    block.cols[col] = vals
                add_block(block, kind, [key[0]] * len(block))
                continue

            if kind in REPAIRED:
                self._repair(kind, k, frame, pick, override, dirty, rng)
                continue

            # rejected kinds: extra rows copied from clean rows, fresh key, one defect
            ok = None
            if kind == "before_customer_created":
                min_created = self.history_start_ts + 3 * DAY

                def ok(rows: np.ndarray, min_created: int = min_created) -> np.ndarray:
                    return frame["_cust_created"][rows] >= min_created

            rows = pick(k, ok, exclusive=False)
            if len(rows) == 0:
                continue
            block = frame.take(rows).copy()
            self._fresh_key(block, frame, rng)
            m = len(block)
            base = offset
            cols: list[str]
            if kind == "null_key":
                col = key[0]
                cname = kd[col].name
                vals = block[col].copy()
                vals[:] = -1 if cname in ("id", "cat", "bool") else NA
                block.cols[col] = vals
                cols = [col] * m
            elif kind == "impossible_date":
                col = spec.date_col
                for i in range(m):
                    override(col, base + i, impossible_text(kd[col], int(block[col][i])))
                cols = [col] * m
            elif kind == "unparseable_date":
                col = spec.date_col
                for i in range(m):
                    override(col, base + i, UNPARSEABLE_DATES[int(rng.integers(len(UNPARSEABLE_DATES)))])
                cols = [col] * m
            elif kind == "negative_amount":
                col = spec.amount_col
                vals = block[col].copy()
                if kd[col].name == "rate":
                    vals = -np.maximum(np.abs(vals), 0.01)
                else:
                    vals = -np.maximum(np.abs(vals), rng.integers(100, 10_000, m))
                block.cols[col] = vals
                cols = [col] * m
            elif kind == "non_numeric_amount":
                col = spec.numeric_col
                pool = NON_NUMERIC_INTEGERS if kd[col].name == "int" else NON_NUMERIC_AMOUNTS
                for i in range(m):
                    override(col, base + i, pool[int(rng.integers(len(pool)))])
                cols = [col] * m
            elif kind == "unknown_currency":
                col = spec.currency_col
                for i in range(m):
                    override(col, base + i, UNKNOWN_CURRENCIES[int(rng.integers(len(UNKNOWN_CURRENCIES)))])
                cols = [col] * m
            elif kind == "unknown_category":
                col = spec.category_col
                pool = UNKNOWN_VALUES[UNKNOWN_CATEGORY_COLUMNS[(spec.table, col)]]
                for i in range(m):
                    override(col, base + i, pool[int(rng.integers(len(pool)))])
                cols = [col] * m
            elif kind == "orphan_foreign_key":
                cols = []
                for i in range(m):
                    col = spec.fk_cols[int(rng.integers(len(spec.fk_cols)))]
                    override(col, base + i, self._orphan(col, rng))
                    cols.append(col)
            elif kind == "score_out_of_range":
                col = spec.score_col
                vals = block[col].copy()
                if "survey_type" in block.cols:
                    vocab = kd["survey_type"].vocab
                    for i in range(m):
                        lo, hi = SCORE_RANGES[vocab[int(block["survey_type"][i])]]
                        vals[i] = hi + int(rng.integers(1, 6)) if rng.random() < 0.7 or lo == 0 else lo - 1
                else:
                    vals = rng.integers(101, 251, m)
                block.cols[col] = vals
                cols = [col] * m
            elif kind == "before_customer_created":
                col = spec.before_customer_col
                created = block["_cust_created"]
                room = np.minimum(180 * DAY, created - self.history_start_ts - DAY)
                if kd[col].name == "date":
                    created_day = created // DAY
                    back = 1 + (rng.random(m) * np.maximum(room // DAY - 1, 1)).astype(np.int64)
                    shift_days = block[col] - (created_day - back)
                    shift_s = shift_days * DAY
                else:
                    back = DAY + (rng.random(m) * np.maximum(room - DAY, 1)).astype(np.int64)
                    shift_s = block[col] - (created - back)
                    shift_days = -(-shift_s // DAY)
                for c in spec.shift_cols:
                    vals = block[c].copy()
                    live = vals != NA
                    vals[live] -= (shift_days if kd[c].name == "date" else shift_s)[live]
                    block.cols[c] = vals
                for c in spec.clear_on_shift:
                    vals = block[c].copy()
                    vals[:] = -1
                    block.cols[c] = vals
                cols = [col] * m
            else:  # pragma: no cover - every kind is handled above
                raise ValueError(kind)
            add_block(block, kind, cols)

        if len(key) > 1 and spec.date_col in key:
            self._unique_composite(frame, blocks, n, overrides, dirty, rng)

        return self._assemble(frame, blocks, overrides, dirty, rng)

    def _repair(self, kind, k, frame, pick, override, dirty, rng) -> None:
        spec = self.spec
        kd = self.kinds_of
        if kind == "other_date_format":
            cols = spec.other_date_cols

            def ok(rows: np.ndarray) -> np.ndarray:
                return np.any([self._non_null(frame, c, rows) for c in cols], axis=0)

            rows = pick(k, ok, exclusive=True)
            present = {c: self._non_null(frame, c, rows) for c in cols}
            for i, r in enumerate(rows):
                order = rng.permutation(len(cols))
                for j in order:
                    col = cols[j]
                    if present[col][i]:
                        override(col, r, other_format_text(kd[col], int(frame[col][r]), rng))
                        dirty.append((r, kind, col))
                        break
        elif kind == "foreign_category_name":
            col = spec.foreign_col
            domain = FOREIGN_NAME_COLUMNS[(spec.table, col)]
            for r in pick(k, lambda rows: self._non_null(frame, col, rows), exclusive=True):
                canonical = kd[col].vocab[int(frame[col][r])]
                langs = (*LANGUAGES, "en")
                words = SYNONYMS[domain][canonical][langs[int(rng.integers(len(langs)))]]
                override(col, r, words[int(rng.integers(len(words)))])
                dirty.append((r, kind, col))
        elif kind in ("mixed_format_contact", "padded_whitespace", "nfd_text"):
            cols = {"mixed_format_contact": spec.contact_cols, "padded_whitespace": spec.text_cols}.get(
                kind, spec.nfd_cols
            )

            def usable(col: str, rows: np.ndarray) -> np.ndarray:
                if kind != "nfd_text":
                    return self._non_null(frame, col, rows)
                return np.array([t is not None and nfd_differs(t) for t in self._text(frame, col, rows)], dtype=bool)

            def ok(rows: np.ndarray) -> np.ndarray:
                return np.any([usable(c, rows) for c in cols], axis=0)

            rows = pick(k, ok, exclusive=True)
            texts = {c: self._text(frame, c, rows) for c in cols}
            for i, r in enumerate(rows):
                for j in rng.permutation(len(cols)):
                    col = cols[j]
                    text = texts[col][i]
                    if text is None or (kind == "nfd_text" and not nfd_differs(text)):
                        continue
                    if kind == "nfd_text":
                        new = unicodedata.normalize("NFD", text)
                    elif kind == "padded_whitespace":
                        new = padded(text, rng)
                    elif col in ("phone",):
                        new = mixed_phone(text, rng)
                    else:
                        new = mixed_email(text, rng)
                        if new == text:
                            new = text.upper()
                    override(col, r, new)
                    dirty.append((r, kind, col))
                    break

    def _unique_composite(self, frame, blocks, n, overrides, dirty, rng) -> None:
        """Keep the keys of extra rows in date-keyed composite tables unique among themselves."""
        if not blocks:
            return
        key = self.table.key
        extra = Frame.concat(blocks)
        kinds_at = {row: kind for row, kind, _ in dirty}
        seen: set[tuple] = set()
        date_col = self.spec.date_col
        for i in range(len(extra)):
            row = n + i
            if kinds_at.get(row) in ("duplicate_key", "null_key"):
                continue
            for attempt in range(50):
                parts = []
                for col in key:
                    text = overrides.get(col, {}).get(row)
                    parts.append(text if text is not None else py_text(self.kinds_of[col], extra[col][i]))
                t = tuple(parts)
                if t not in seen:
                    seen.add(t)
                    break
                kind = kinds_at.get(row)
                if kind == "impossible_date":
                    overrides[date_col][row] = impossible_text(
                        self.kinds_of[date_col], int(extra[date_col][i]), attempt + 1
                    )
                elif kind == "unparseable_date":
                    overrides[date_col][row] = f"{UNPARSEABLE_DATES[attempt % len(UNPARSEABLE_DATES)]} ({attempt + 1})"
                else:
                    raise ValueError(f"{self.spec.table}: fresh composite key collides: {t}")

    def _assemble(self, frame, blocks, overrides, dirty, rng) -> Injected:
        n = len(frame)
        if not blocks:
            combined, m = frame, 0
        else:
            combined = Frame.concat([frame, *blocks])
            m = len(combined) - n
        ins = rng.integers(0, n + 1, m)
        order_e = np.argsort(ins, kind="stable")
        pos_e = ins[order_e] + np.arange(m)
        order = np.empty(n + m, dtype=np.int64)
        is_extra = np.zeros(n + m, dtype=bool)
        is_extra[pos_e] = True
        order[pos_e] = n + order_e
        order[~is_extra] = np.arange(n)
        inv = np.empty(n + m, dtype=np.int64)
        inv[order] = np.arange(n + m)
        final = combined.take(order) if m else combined
        out = Injected(final)
        out.overrides = {col: {int(inv[r]): t for r, t in d.items()} for col, d in overrides.items()}
        for row, kind, col in dirty:
            out.positions.append(int(inv[row]))
            out.kinds.append(kind)
            out.columns.append(col)
        return out
