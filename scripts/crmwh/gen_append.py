"""Append about 1% new rows to the event tables of a generator export, in place (the +1% increment).

Examples::

    PYTHONPATH=scripts python -m crmwh.gen_append --folder data/raw_m --share 0.01 --seed 1 --format parquet

Each event table ``raw_<table>.<format>`` (orders, order_items, web_sessions, email_events,
activities) is rewritten with its old rows first, unchanged (CSV: the bytes are kept and lines are
appended; Parquet: the file is rewritten with the new rows after the old ones), then about
``share`` x its rows of new rows: new orders with their lines, a few new versions of existing orders
(a later ``updated_at``, status changed to ``refunded``), web sessions, email events and activities.
New rows copy the columns of existing rows chosen by the seed (so they reference existing
customers, products, campaigns, reps and leads), take new keys after the highest of their table and
are dated after every existing event (the as-of date moves). A few rows are made for staging to
reject: a web session with an unparseable ``started_at``, an exact duplicate of a new email event and
two identical activities without an ``activity_id``. The output depends on the folder's content, the
share and the seed alone, never on the clock. ``_meta/truth.json`` ``row_counts`` are updated.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import duckdb

from crmwh.contract import TABLES_BY_NAME

EVENT_TABLES = ("orders", "order_items", "web_sessions", "email_events", "activities")
# Timestamp columns shifted with a new row, per table (the first one is the event time).
TIMESTAMPS = {
    "orders": ("ordered_at", "updated_at"),
    "web_sessions": ("started_at",),
    "email_events": ("event_at",),
    "activities": ("created_at", "scheduled_at", "completed_at"),
}
KEYS = {
    "orders": "order_id",
    "order_items": "order_item_id",
    "web_sessions": "session_id",
    "email_events": "event_id",
    "activities": "activity_id",
}
ISO = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"
TS_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
SPREAD_SECONDS = 2 * 86_400  # new events fall within two days after the day after the last event


def _quote(text: str) -> str:
    return text.replace("'", "''")


def _reader(path: Path, table: str, fmt: str) -> str:
    if fmt == "parquet":
        return f"read_parquet('{_quote(str(path))}')"
    columns = ", ".join(f"'{c}': 'varchar'" for c in TABLES_BY_NAME[table].column_names)
    return (
        f"read_csv('{_quote(str(path))}', header = true, delim = ',', quote = '\"', escape = '\"', "
        f"auto_detect = false, columns = {{{columns}}})"
    )


def _csv_field(value: str | None) -> str:
    if value is None:
        return ""
    if any(ch in value for ch in (",", '"', "\n", "\r")) or value == "":
        return '"' + value.replace('"', '""') + '"'
    return value


def _new_keys(con: duckdb.DuckDBPyConnection, table: str) -> tuple[str, int, int]:
    """(prefix, highest number, digits) of the table's keys shaped <letters><digits>."""
    key = KEYS[table]
    prefix, top, width = con.execute(
        f"""
        select
            regexp_extract({key}, '^([A-Z]+)[0-9]+$', 1) as prefix,
            max(cast(regexp_extract({key}, '^[A-Z]+([0-9]+)$', 1) as bigint)) as top,
            max(length({key}) - length(regexp_extract({key}, '^([A-Z]+)[0-9]+$', 1))) as width
        from src_{table}
        where regexp_full_match({key}, '^[A-Z]+[0-9]+$')
        group by 1
        order by count(*) desc
        limit 1
        """
    ).fetchone()
    return prefix, int(top), int(width)


def _shift(column: str, anchor: str) -> str:
    """The new text of ``column``: moved by the same interval as the row's event time (null stays null)."""
    return (
        f"case when try_strptime({column}, '{TS_FORMAT}') is not null then strftime(new_event_at + "
        f"(try_strptime({column}, '{TS_FORMAT}') - try_strptime({anchor}, '{TS_FORMAT}')), '{TS_FORMAT}') "
        f"else {column} end"
    )


def append_rows(folder: Path, share: float = 0.01, seed: int = 1, fmt: str = "parquet") -> dict[str, int]:
    """Append about ``share`` x rows of new event rows to each event table of ``folder``; rows appended per table."""
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"format must be parquet or csv, not {fmt!r}")
    folder = Path(folder)
    con = duckdb.connect()
    con.execute("set preserve_insertion_order = true")
    paths = {t: folder / f"{TABLES_BY_NAME[t].raw_name}.{fmt}" for t in EVENT_TABLES}
    for table, path in paths.items():
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file")
        con.execute(f"create temp view src_{table} as select * from {_reader(path, table, fmt)}")
    # The day after the last event of any table: every new row is dated from there on.
    last = con.execute(
        " union all ".join(
            f"select max(try_strptime({c}, '{TS_FORMAT}')) as t from src_{t} where regexp_full_match({c}, '{ISO}')"
            for t, cols in TIMESTAMPS.items()
            for c in cols
        ).join(["select max(t) from (", ")"])
    ).fetchone()[0]
    start = f"timestamp '{last.date().isoformat()}' + interval 1 day"
    pick = f"md5(concat_ws(':', '{int(seed)}', {{key}}))"

    def sample(table: str, count: int, extra_where: str = "true") -> str:
        key = KEYS[table]
        iso = f"try_strptime({TIMESTAMPS[table][0]}, '{TS_FORMAT}') is not null"
        return f"""
            select *, row_number() over (order by {pick.format(key=key)}) as pick_number
            from src_{table}
            where regexp_full_match({key}, '^[A-Z]+[0-9]+$') and {iso} and {extra_where}
            qualify pick_number <= {int(count)}
        """

    def new_time(table: str) -> str:
        key = KEYS[table]
        return (
            f"{start} + to_seconds(cast(('x' || substr(md5(concat_ws(':', 'time', '{int(seed)}', {key})), 1, 8))"
            f"::bit::bigint % {SPREAD_SECONDS} as bigint))"
        )

    counts = {t: con.execute(f"select count(*) from src_{t}").fetchone()[0] for t in EVENT_TABLES}
    new: dict[str, str] = {}

    # Orders: new orders (with their lines) and a few new versions of existing orders.
    n_orders = max(2, round(share * counts["orders"]))
    n_versions = max(1, n_orders // 20)
    prefix, top, width = _new_keys(con, "orders")
    con.execute(
        f"""
        create temp table picked_orders as
        select *, {new_time("orders")} as new_event_at,
            '{prefix}' || lpad(cast({top} + pick_number as varchar), {width}, '0') as new_order_id
        from ({sample("orders", n_orders - n_versions)})
        """
    )
    order_columns = TABLES_BY_NAME["orders"].column_names
    shifted = {c: _shift(c, "ordered_at") for c in TIMESTAMPS["orders"]}
    select_new_orders = ", ".join(
        "new_order_id as order_id" if c == "order_id" else f"{shifted[c]} as {c}" if c in shifted else c
        for c in order_columns
    )
    versions = ", ".join(
        f"strftime(new_event_at, '{TS_FORMAT}') as updated_at"
        if c == "updated_at"
        else "'refunded' as status"
        if c == "status"
        else c
        for c in order_columns
    )
    con.execute(
        f"""
        create temp table new_orders as
        select {select_new_orders} from picked_orders
        union all
        select {versions} from (
            select *, {new_time("orders")} as new_event_at
            from ({sample("orders", n_versions, f"status = 'completed' and try_strptime(updated_at, '{TS_FORMAT}') is not null")})
        )
        """
    )
    new["orders"] = "new_orders"

    # Lines of the new orders: the lines of the orders they copy, with new keys.
    prefix, top, width = _new_keys(con, "order_items")
    item_columns = TABLES_BY_NAME["order_items"].column_names
    select_items = ", ".join(
        "'" + prefix + "' || lpad(cast(" + str(top) + " + row_number() over (order by picked_orders.new_order_id, "
        "src_order_items.order_item_id) as varchar), " + str(width) + ", '0') as order_item_id"
        if c == "order_item_id"
        else "picked_orders.new_order_id as order_id"
        if c == "order_id"
        else f"src_order_items.{c}"
        for c in item_columns
    )
    con.execute(
        f"""
        create temp table new_order_items as
        select {select_items}
        from picked_orders
        inner join src_order_items on src_order_items.order_id = picked_orders.order_id
        order by picked_orders.new_order_id, src_order_items.order_item_id
        """
    )
    new["order_items"] = "new_order_items"

    # Sessions, email events, activities: copies of sampled rows, dated after the last event.
    for table in ("web_sessions", "email_events", "activities"):
        key = KEYS[table]
        prefix, top, width = _new_keys(con, table)
        columns = TABLES_BY_NAME[table].column_names
        anchor = TIMESTAMPS[table][0]
        shifted = {c: _shift(c, anchor) for c in TIMESTAMPS[table]}
        select_cols = ", ".join(
            f"'{prefix}' || lpad(cast({top} + pick_number as varchar), {width}, '0') as {c}"
            if c == key
            else f"{shifted[c]} as {c}"
            if c in shifted
            else c
            for c in columns
        )
        con.execute(
            f"""
            create temp table new_{table} as
            select {select_cols}
            from (select *, {new_time(table)} as new_event_at from ({sample(table, max(2, round(share * counts[table])))}))
            order by {key}
            """
        )
        new[table] = f"new_{table}"

    # Rows staging rejects: an unparseable start time, an exact duplicate, two identical keyless rows.
    con.execute(
        "update new_web_sessions set started_at = 'not a timestamp' "
        "where session_id = (select max(session_id) from new_web_sessions)"
    )
    con.execute(
        "insert into new_email_events select * from new_email_events "
        "where event_id = (select min(event_id) from new_email_events)"
    )
    con.execute(
        "insert into new_activities select * replace (null as activity_id) from new_activities "
        "where activity_id = (select min(activity_id) from new_activities)"
    )
    con.execute("insert into new_activities select * from new_activities where activity_id is null")

    appended: dict[str, int] = {}
    for table in EVENT_TABLES:
        path = paths[table]
        columns = TABLES_BY_NAME[table].column_names
        rows = con.execute(f"select {', '.join(columns)} from {new[table]}").fetchall()
        appended[table] = len(rows)
        if fmt == "csv":
            with open(path, "rb") as fh:
                fh.seek(max(0, path.stat().st_size - 1))
                ends_with_newline = fh.read(1) in (b"\n", b"")
            with open(path, "a", encoding="utf-8", newline="") as fh:
                if not ends_with_newline:
                    fh.write("\n")
                for row in rows:
                    fh.write(",".join(_csv_field(v) for v in row) + "\n")
        else:
            tmp = path.with_name(path.name + ".appending")
            con.execute(
                f"copy (select {', '.join(columns)} from {_reader(path, table, fmt)} "
                f"union all select {', '.join(columns)} from {new[table]}) "
                f"to '{_quote(str(tmp))}' (format parquet)"
            )
            os.replace(tmp, path)
    con.close()

    truth_path = folder / "_meta" / "truth.json"
    if truth_path.exists():
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        for table, n in appended.items():
            if table in truth.get("row_counts", {}):
                truth["row_counts"][table] += n
        truth_path.write_text(json.dumps(truth, indent=2, ensure_ascii=False), encoding="utf-8")
    return appended


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", type=Path, required=True, help="a generator export (rewritten in place)")
    parser.add_argument("--share", type=float, default=0.01, help="new rows as a share of each table's rows")
    parser.add_argument("--seed", type=int, default=1, help="picks the rows copied and the new times")
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet", dest="fmt")
    args = parser.parse_args(argv)
    appended = append_rows(args.folder, args.share, args.seed, args.fmt)
    for table, n in appended.items():
        print(f"{table}: {n} rows appended")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
