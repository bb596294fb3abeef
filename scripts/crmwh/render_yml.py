"""Render the yml files that the raw export contract (crmwh.contract) defines.

``python -m crmwh.render_yml --write`` rewrites them; ``--check`` exits 1 when a
committed file differs from what the contract renders (the test suite runs it).

- ``seeds/raw/_raw__seeds.yml``: the demo seeds, every column typed varchar.
- ``models/staging/crm/_crm__sources.yml``: the source ``raw``, each table and
  column documented once, whichever way it is read: the seeds in the ``raw``
  schema, or (DuckDB, CRM_RAW_DIR set) the files of that folder read in place as
  csv or parquet (CRM_RAW_FORMAT). The meta ``external_location`` of each table,
  rendered by Jinja from those variables when dbt parses, names the relation
  dbt-duckdb reads; PostgreSQL ignores it and reads the seeds.

CSV files are read with a fixed dialect and the contract's columns, never
sniffed: DuckDB's sniffer, given a damaged file, silently falls back to another
dialect (one column per line). With the dialect fixed, a stray or unclosed
quote, a wrong field count or invalid UTF-8 is an error. Before any model reads
a file, the on-run-start macro check_raw_csv_files() scans every raw CSV with
the same dialect and fails the run naming the file, the line and the problem,
never the line's content (DuckDB's own error quotes the damaged line, personal
data included); the file name, dialect and columns it needs are rendered here as
the meta ``csv_file``, ``csv_columns`` and ``csv_dialect``. The header line is
checked against the contract (a byte-order mark is skipped), so a renamed,
missing or reordered column fails too instead of shifting values. The folder
(CRM_RAW_DIR) is quoted as an SQL string, so any character in it, an apostrophe
included, is read as part of the path.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crmwh.contract import TABLES, Table

ROOT = Path(__file__).resolve().parents[2]
SEEDS_YML = ROOT / "seeds" / "raw" / "_raw__seeds.yml"
SOURCES_YML = ROOT / "models" / "staging" / "crm" / "_crm__sources.yml"

HEADER = "# Generated from scripts/crmwh/contract.py by `python -m crmwh.render_yml --write`; do not edit by hand.\n"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _column_doc(table: Table, name: str, description: str, allowed: tuple[str, ...]) -> str:
    parts = [description[0].upper() + description[1:] + ("" if description.endswith(".") else ".")]
    if allowed:
        parts.append("Allowed values: " + ", ".join(allowed) + ".")
    if name in table.key:
        parts.append("Part of the natural key." if len(table.key) > 1 else "Natural key.")
    if name in table.foreign_keys:
        parts.append(f"References {table.foreign_keys[name]}.")
    return " ".join(parts)


def render_seeds() -> str:
    # the columns are documented once, on the source raw that these seeds load (render_sources)
    lines = [HEADER, "version: 2", "", "seeds:"]
    for table in TABLES:
        description = (
            f"Demo CRM export of {table.name}, as text, loaded by `dbt seed` into raw.{table.raw_name}:"
            f" the table of source raw.{table.raw_name} (documented there) unless CRM_RAW_DIR is set."
        )
        lines += [
            f"  - name: {table.raw_name}",
            f"    description: {_q(description)}",
            "    config:",
            "      column_types:",
        ]
        lines += [f"        {column.name}: varchar" for column in table.columns]
    return "\n".join(lines) + "\n"


def _source_tables() -> list[str]:
    lines = ["    tables:"]
    for table in TABLES:
        key = ", ".join(table.key)
        lines += [
            f"      - name: {table.raw_name}",
            f"        description: {_q(f'Raw export of {table.name}. Grain: {table.grain}. Natural key: {key}.')}",
            "        config:",
            f"          loaded_at_field: {_q(_loaded_at_sql(table.loaded_at))}",
            "          meta:",
            f"            external_location: {_q(_location(table))}",
            f"            csv_file: {table.raw_name}.csv",
            f"            csv_columns: {_q(','.join(table.column_names))}",
            "        columns:",
        ]
        for column in table.columns:
            lines += [
                f"          - name: {column.name}",
                f"            description: {_q(_column_doc(table, column.name, column.description, column.allowed))}",
            ]
    return lines


def _loaded_at_sql(column: str) -> str:
    # Freshness reads the latest well-formed ISO date (YYYY-MM-DD, day 01 to 28: valid in every month) of the
    # export; every character is checked, so a dirty value ('2024-0X-12') cannot fail the freshness query.
    digits = " and ".join(f"substring({column}, {i}, 1) between '0' and '9'" for i in (1, 2, 3, 4, 6, 7, 9, 10))
    return (
        f"cast(case when {digits} and substring({column}, 5, 1) = '-' and substring({column}, 8, 1) = '-'"
        f" and substring({column}, 6, 2) between '01' and '12' and substring({column}, 9, 2) between '01' and '28'"
        f" then substring({column}, 1, 10) end as timestamp)"
    )


# RFC 4180 as the generator writes it; no sniffing (auto_detect = false), so damage is an error, not a new dialect
CSV_DIALECT = "delim = ',', quote = '\"', escape = '\"', strict_mode = true, null_padding = false, auto_detect = false"


# the folder CRM_RAW_DIR as it goes inside an SQL string literal: quotes doubled (an apostrophe in a path)
RAW_DIR_SQL = "{{ env_var('CRM_RAW_DIR', '.') | trim | replace(\"'\", \"''\") }}"


def _csv_location(table: Table) -> str:
    """The DuckDB relation that reads one raw CSV file in place, its header checked against the contract.

    check_raw_csv_files() has checked the file at run start; the strict dialect and the header check here
    still stop a read that did not go through it (e.g. ``dbt show``), but DuckDB's error then quotes the line.
    """
    path = RAW_DIR_SQL + "/" + table.raw_name + ".csv"
    columns = "struct_pack(" + ", ".join(f"{name} := 'varchar'" for name in table.column_names) + ")"
    expected = ",".join(table.column_names)
    header = " || ',' || ".join(f"coalesce({name}, '')" for name in table.column_names)

    def reader(has_header: bool) -> str:
        return f"read_csv('{path}', header = {str(has_header).lower()}, {CSV_DIALECT}, columns = {columns})"

    return (
        f"(select raw_rows.* from {reader(True)} as raw_rows"
        " cross join (select case when max(header_line) = "
        f"'{expected}' then true else error('{path} line 1: the header does not match the contract,"
        f" which expects {expected}') end as header_ok"
        f" from (select {header} as header_line from {reader(False)} limit 1) as first_line) as header_check"
        " where header_check.header_ok)"
    )


# The seeds as DuckDB reads them when CRM_RAW_DIR is unset: never empty (an empty external_location reads a
# table named ''); dbt-duckdb fills {database}, {schema} and {identifier} with the source's own (raw.raw_<table>).
SEED_LOCATION = '(select * from "{database}"."{schema}"."{identifier}")'


def _parquet_location(table: Table) -> str:
    return "read_parquet('" + RAW_DIR_SQL + "/" + table.raw_name + ".parquet')"


def _location(table: Table) -> str:
    """The relation dbt-duckdb reads for source raw.<table>: the seed, or the file read in place (by env vars).

    Rendered by Jinja when dbt parses the project; PostgreSQL ignores it and reads raw.<table> (the seed).
    """
    return (
        "{%- if env_var('CRM_RAW_DIR', '') | trim == '' -%}"
        + SEED_LOCATION
        + "{%- elif env_var('CRM_RAW_FORMAT', 'csv') | trim | lower == 'parquet' -%}"
        + _parquet_location(table)
        + "{%- else -%}"
        + _csv_location(table)
        + "{%- endif -%}"
    )


FRESHNESS = [
    "      freshness:",
    "        warn_after: {count: 2, period: day}",
    "        error_after: {count: 7, period: day}",
]


def render_sources() -> str:
    lines = [HEADER, "version: 2", "", "sources:"]
    lines += [
        "  - name: raw",
        "    description: >",
        "      The CRM exports, every column text, declared once for both ways they are read.",
        "      By default: the demo exports in seeds/raw, loaded by `dbt seed` into the schema",
        "      raw (run it before `dbt build`; `make build` does). When the environment variable",
        "      CRM_RAW_DIR names a folder (DuckDB only): the files the generator wrote there, read",
        "      in place as csv or, with CRM_RAW_FORMAT=parquet, parquet (meta external_location",
        "      picks the relation). Each CSV file is read with a fixed dialect and the contract's",
        "      columns (no sniffing); its header must match the contract, and a malformed line",
        "      fails the build with the file name, line number and problem, never the line's",
        "      content (checked at run start by check_raw_csv_files()). Staging's base models",
        "      read it through the raw_source() macro only.",
        "    schema: raw",
        "    config:",
        *FRESHNESS,
        "      meta:",
        f"        csv_dialect: {_q(CSV_DIALECT)}",
        *_source_tables(),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true", help="rewrite the yml files from the contract")
    group.add_argument("--check", action="store_true", help="exit 1 when a committed yml differs from the contract")
    args = parser.parse_args(argv)
    stale = []
    for path, text in ((SEEDS_YML, render_seeds()), (SOURCES_YML, render_sources())):
        if args.write:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        elif not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(str(path.relative_to(ROOT)))
    if stale:
        print("out of date with scripts/crmwh/contract.py: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
