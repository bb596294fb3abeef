"""Validate a built warehouse with the Great Expectations suites defined in crmwh.expectations.

``python -m crmwh.validate --warehouse warehouse/crm.duckdb [--out warehouse/validation]``
(console script ``crm-validate``):

1. opens the DuckDB file read-only (it fails at once, exit 2, while a writer such as dbt holds it);
2. defines every suite of ``crmwh.expectations.SUITES`` (reference values from ``Facts``, each
   distinct query once), then reads each table once (``TableReads``: one query with the columns
   the expectations of all its suites name plus their derived columns, shared by those suites,
   dropped after the last) into a pandas DataFrame and validates each suite on it through the
   Great Expectations pandas datasource of an ephemeral context (Great Expectations cannot
   validate a DuckDB file through its SQL datasource). A table of more than ``CHUNK_ROWS`` rows
   is never read whole: its row-wise expectations (``ROW_WISE``: values between, in set, not
   null, regex, column pairs) are validated on chunks of it streamed from one query and their
   counts added up, its other expectations (row counts, uniqueness, sums, min/max) on every row
   of only their columns; the results are those of the whole table (``validate_chunks``).
   DuckDB's memory limit here is the profile's, at most ``VALIDATION_MEMORY_CAP``;
3. writes to the out folder ``summary.json`` and ``summary.md`` (pass/fail per expectation,
   unexpected counts, observed values; replaced atomically) and the Great Expectations data
   docs ``data_docs/index.html`` (rebuilt on each run, rendered once at its end).

Reports never print a value of the warehouse: Great Expectations runs with
``exclude_unexpected_values`` (no unexpected-value lists), results are stripped of any list
or text observed value before the data docs are rendered (``sanitize_result``), and every
file written under the out folder is finally masked for email- and phone-shaped text
(``mask_report_files``). A failing expectation is reported by its column, rule and counts.

Exit status: 0 when every expectation passes, 1 when one fails or errors, 2 when the warehouse
cannot be validated at all (missing, locked by a writer, unknown suite). An expectation with
severity ``warning`` or ``info`` is reported (``warn``) but does not fail the run. Marts without
a suite are listed in the summary as a warning.

``--built-only`` (what ``crmwh.build --select`` passes) runs only the built-in suites whose table is in
the file (the checks across tables, ``check.*``, and extra suites always run): a build of a selection holds only the tables it built, and the
suites of the others are listed in the summary as ``suites_not_built`` instead of failing. Without it a missing table fails its suite, so a
full build that lost a mart never validates.

Extra suites, e.g. site-specific rules, come from Python files given with ``--extra-suites FILE``
(repeatable) or the environment variable ``CRM_VALIDATE_EXTRA_SUITES`` (paths separated by
``os.pathsep``; ``crmwh.build`` passes the environment on). Each file defines
``SUITES: dict[str, Callable[[Facts], Suite]]`` like crmwh.expectations; its entries are added
to the built-in ones (a name already taken replaces that suite). The files are executed as code:
point the variable only at files you trust.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "warehouse" / "validation"
EXTRA_SUITES_ENV = "CRM_VALIDATE_EXTRA_SUITES"
EXIT_PASSED, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2
# No unexpected values in any result: counts only (reports must not print warehouse values).
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": 0,
    "exclude_unexpected_values": True,
}
# Result keys that can hold values of the validated data; removed before anything is written.
VALUE_KEYS = (
    "partial_unexpected_list",
    "partial_unexpected_counts",
    "partial_unexpected_index_list",
    "unexpected_list",
    "unexpected_index_list",
    "unexpected_index_query",
    "unexpected_rows",
    "details",
)
WITHHELD = "<withheld>"
# A table of more rows than this is validated in chunks of this many rows (TableReads.in_chunks):
# memory is bounded by the chunk, not the table (DECISIONLOG "Scale: validation in bounded memory").
CHUNK_ROWS = 500_000
# DuckDB's memory_limit of the validation at most (validation_memory_limit).
VALIDATION_MEMORY_CAP = "1GB"
# Expectations whose result is a sum over rows, each row judged alone: validated chunk by chunk,
# their counts added up (merge_row_counts). Any other expectation (row count, uniqueness, sums,
# min/max, or one of an extra suite not listed here) sees every row of its columns at once.
ROW_WISE = frozenset(
    {
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_values_to_be_null",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_not_match_regex",
        "expect_column_pair_values_to_be_equal",
        "expect_column_pair_values_a_to_be_greater_than_b",
    }
)

# Set before Great Expectations is imported: no usage statistics leave the machine, no progress bars.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import duckdb  # noqa: E402
import great_expectations as gx  # noqa: E402
import great_expectations.expectations as gxe  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402
from great_expectations.expectations.expectation import (  # noqa: E402
    _format_map_output,
    _mostly_success,
    parse_result_format,
)
from great_expectations.validator.validation_statistics import calc_validation_statistics  # noqa: E402

from crmwh.expectations import EMAIL_PATTERN, PHONE_PATTERN, SUITES, Facts, Suite, SuiteFactory  # noqa: E402


class UnusableError(Exception):
    """The warehouse cannot be validated at all (exit 2)."""


@dataclass
class SuiteResult:
    name: str
    table: str
    rows: int | None = None
    seconds: float = 0.0
    error: str | None = None
    expectations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return self.error is None and all(item["status"] in {"pass", "warn"} for item in self.expectations)


# ---------------------------------------------------------------------------------------------
# Suites


def load_extra_suites(paths: list[Path]) -> dict[str, SuiteFactory]:
    extra: dict[str, SuiteFactory] = {}
    for number, path in enumerate(paths):
        spec = importlib.util.spec_from_file_location(f"crmwh_extra_suites_{number}", path)
        if spec is None or spec.loader is None or not path.is_file():
            raise UnusableError(f"extra suites file not found or not Python: {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        suites = getattr(module, "SUITES", None)
        if not isinstance(suites, dict):
            raise UnusableError(f"{path} defines no SUITES dict")
        extra.update(suites)
    return extra


def select_suites(extra_paths: list[Path], only: list[str]) -> dict[str, SuiteFactory]:
    suites = {**SUITES, **load_extra_suites(extra_paths)}
    unknown = sorted(set(only) - set(suites))
    if unknown:
        raise UnusableError(f"unknown suite(s): {', '.join(unknown)}; known: {', '.join(sorted(suites))}")
    return {name: factory for name, factory in suites.items() if not only or name in only}


# ---------------------------------------------------------------------------------------------
# Reading a suite's frame: only the columns the expectations name


def referenced_columns(suite: Suite, available: list[str]) -> list[str]:
    names: set[str] = set()
    for expectation in suite.expectations:
        config = expectation.configuration.kwargs
        names.update(config[key] for key in ("column", "column_A", "column_B") if config.get(key))
        names.update(config.get("column_list") or [])
        condition = config.get("row_condition")
        if isinstance(condition, dict):  # Great Expectations stores a pass-through filter as a dict
            condition = condition.get("pass_through_filter")
        if isinstance(condition, str):
            names.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", condition))
    return [name for name in [*available, *suite.derived] if name in names]


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    schema, _, name = table.partition(".")
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?"
        " order by ordinal_position",
        [schema, name],
    ).fetchall()
    if not rows:
        raise UnusableError(f"{table} does not exist in the warehouse")
    return [row[0] for row in rows]


class TableReads:
    """Every read of a suite's frame goes through here: one query per table per validation run.

    ``plan`` is given every suite of the run first; each table is then read once, with the union
    of the columns (and derived columns) all its suites name, when its first suite asks for it,
    shared by its later suites and dropped after its last one (one large frame in memory at a
    time). A check frame (``Suite.query``) is its own query. ``queries`` counts the queries
    issued per table (the seam the tests count reads through).

    A table of more than ``CHUNK_ROWS`` rows is never read whole (see ``run_suite``): each of its
    suites streams its columns in chunks of ``CHUNK_ROWS`` rows (``chunks``, one query) and reads
    the columns of its whole-table expectations alone (``whole``, one query unless it needs no
    column): two queries per suite instead of a shared frame, and memory bounded by the chunk.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, chunk_rows: int | None = None) -> None:
        self.con = con
        self.chunk_rows = chunk_rows or CHUNK_ROWS
        self.queries: dict[str, int] = {}
        self._columns: dict[str, set[str]] = {}
        self._derived: dict[str, dict[str, str]] = {}
        self._uses: dict[str, int] = {}
        self._frames: dict[str, pd.DataFrame] = {}
        self._available: dict[str, list[str]] = {}
        self._rows: dict[str, int] = {}

    def plan(self, suites: list[Suite]) -> None:
        for suite in suites:
            if suite.query is not None:
                continue
            derived = self._derived.setdefault(suite.table, {})
            if any(derived.get(name, expression) != expression for name, expression in suite.derived.items()):
                continue  # a derived column of the same name but another expression: this suite reads alone
            derived.update(suite.derived)
            self._columns.setdefault(suite.table, set()).update(self._referenced(suite))
            self._uses[suite.table] = self._uses.get(suite.table, 0) + 1

    def available(self, table: str) -> list[str]:
        if table not in self._available:
            self._available[table] = table_columns(self.con, table)
        return self._available[table]

    def rows(self, table: str) -> int:
        """The table's row count (a count, not a read of its values: not in ``queries``)."""
        if table not in self._rows:
            self._rows[table] = int(self.con.execute(f"select count(*) from {table}").fetchall()[0][0])
        return self._rows[table]

    def in_chunks(self, suite: Suite) -> bool:
        """Whether the suite is validated chunk by chunk: a table of more than chunk_rows rows with an
        expectation whose result is a sum over its rows (a small table keeps its one shared frame)."""
        if suite.query is not None or not any(row_wise(expectation) for expectation in suite.expectations):
            return False
        self.available(suite.table)  # a missing table fails here, as in frame()
        return self.rows(suite.table) > self.chunk_rows

    def _referenced(self, suite: Suite) -> list[str]:
        try:
            available = self.available(suite.table)
        except UnusableError:
            return []  # reported when the suite asks for its frame
        return referenced_columns(suite, available) or available[:1]

    def _query(self, table: str, sql: str) -> pd.DataFrame:
        self.queries[table] = self.queries.get(table, 0) + 1
        return vectorisable(self.con.execute(sql).df())

    def _select_sql(self, table: str, wanted: list[str], derived: dict[str, str]) -> str:
        available = self.available(table)
        select = [quote(name) for name in available if name in wanted]
        select += [f"{expression} as {quote(name)}" for name, expression in derived.items() if name in wanted]
        return f"select {', '.join(select)} from {table}"

    def _select(self, table: str, wanted: list[str], derived: dict[str, str]) -> pd.DataFrame:
        return self._query(table, self._select_sql(table, wanted, derived))

    def _wanted(self, suite: Suite) -> list[str]:
        return referenced_columns(suite, self.available(suite.table)) or self.available(suite.table)[:1]

    def frame(self, suite: Suite) -> pd.DataFrame:
        """The suite's frame: only the columns its expectations name, in table order, then derived ones."""
        if suite.query is not None:
            return self._query(suite.table, suite.query)
        wanted = self._wanted(suite)
        planned = self._derived.get(suite.table, {})
        if any(planned.get(name, expression) != expression for name, expression in suite.derived.items()):
            return self._select(suite.table, wanted, suite.derived)
        if suite.table not in self._frames:
            everything = sorted(self._columns.get(suite.table, set()) | set(wanted))
            self._frames[suite.table] = self._select(suite.table, everything, planned | suite.derived)
        shared = self._frames[suite.table]
        self._uses[suite.table] = self._uses.get(suite.table, 1) - 1
        if self._uses[suite.table] <= 0:
            del self._frames[suite.table]  # its last suite: free the memory
        return shared if list(shared.columns) == wanted else shared[wanted]

    def chunks(self, suite: Suite) -> Iterator[pd.DataFrame]:
        """The suite's frame (the columns of frame()) in consecutive chunks of chunk_rows rows, from one
        streamed query: every row exactly once, with the dtypes frame() gives them."""
        sql = self._select_sql(suite.table, self._wanted(suite), suite.derived)
        self.queries[suite.table] = self.queries.get(suite.table, 0) + 1
        stream = self.con.cursor().execute(sql)  # its own cursor: other queries cannot cut the stream short
        vectors = max(1, self.chunk_rows // duckdb.__standard_vector_size__)  # DuckDB fetches whole vectors
        try:
            while len(fetched := stream.fetch_df_chunk(vectors)):
                for start in range(0, len(fetched), self.chunk_rows):
                    yield vectorisable(fetched.iloc[start : start + self.chunk_rows])
        finally:
            stream.close()

    def whole(self, suite: Suite, expectations: list[gxe.Expectation]) -> pd.DataFrame:
        """Every row of the table with only the columns these expectations name (none for a row count)."""
        wanted = referenced_columns(Suite(suite.table, expectations, suite.derived), self.available(suite.table))
        if not wanted:
            return pd.DataFrame(index=pd.RangeIndex(self.rows(suite.table)))
        # as DuckDB gives it: no value-by-value judging here (vectorisable), and int32 stays half the size
        self.queries[suite.table] = self.queries.get(suite.table, 0) + 1
        return self.con.execute(self._select_sql(suite.table, wanted, suite.derived)).df()


def vectorisable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with DuckDB's datetime64[us] columns as datetime64[ns] (when every value fits) and its
    int8/16/32 columns as int64: the same values in the only dtypes for which Great Expectations' pandas
    ``column_values.between`` compares whole columns at once; it judges any other column value by value
    in Python (``Series.map``), which was most of the time of the large suites."""
    converted = {}
    for name, dtype in frame.dtypes.items():
        if dtype == np.dtype("datetime64[us]"):
            try:
                converted[name] = frame[name].astype("datetime64[ns]")
            except (OverflowError, pd.errors.OutOfBoundsDatetime):
                continue  # a date beyond 2262 or before 1677: judged value by value, with the same result
        elif dtype in (np.dtype("int8"), np.dtype("int16"), np.dtype("int32")):
            converted[name] = frame[name].astype("int64")
    return frame.assign(**converted) if converted else frame


def read_frame(con: duckdb.DuckDBPyConnection, suite: Suite) -> pd.DataFrame:
    """One suite's frame, read on its own (what TableReads shares between the suites of a table)."""
    return TableReads(con).frame(suite)


# ---------------------------------------------------------------------------------------------
# Great Expectations


def make_context(docs_dir: Path | None) -> Any:
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    if docs_dir is not None:
        context.add_data_docs_site(
            site_name="warehouse",
            site_config={
                "class_name": "SiteBuilder",
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            },
        )
    return context


def expectation_status(result: Any) -> str:
    if _raised(result.exception_info):
        return "error"
    if result.success:
        return "pass"
    severity = str(getattr(result.expectation_config, "severity", "critical")).lower()
    return "warn" if severity.endswith(("warning", "info")) else "fail"


def _raised(info: Any) -> str | None:
    """The message of an exception Great Expectations caught while computing an expectation."""
    if not isinstance(info, dict):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    nested = [value for value in info.values() if isinstance(value, dict) and value.get("raised_exception")]
    return str(nested[0].get("exception_message")) if nested else None


def plain(value: Any) -> Any:
    """numpy and pandas scalars as plain Python values (dates as ISO text), for the summary."""
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    if isinstance(value, np.datetime64 | pd.Timestamp | dt.date):
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    return value.item() if isinstance(value, np.generic) else value


def safe_observed(value: Any) -> Any:
    """An observed value fit for a report: numbers, booleans and dates as they are; text and
    lists (a most common value, distinct values) withheld, they are values of the data."""
    if value is None or isinstance(value, bool | int | float | np.number | dt.date | pd.Timestamp | np.datetime64):
        return value
    return WITHHELD


def sanitize_result(result: Any) -> None:
    """Strip every value of the data from one expectation result, in place."""
    details = result.result
    if not isinstance(details, dict):
        return
    for key in VALUE_KEYS:
        details.pop(key, None)
    if "observed_value" in details:
        details["observed_value"] = safe_observed(details["observed_value"])


def describe_result(result: Any) -> dict[str, Any]:
    config = result.expectation_config
    kwargs = {key: value for key, value in config.kwargs.items() if key != "batch_id"}
    sanitize_result(result)
    details = result.result or {}
    return {
        "expectation": config.type,
        "column": kwargs.get("column") or ", ".join(filter(None, [kwargs.get("column_A"), kwargs.get("column_B")])),
        "description": config.description,
        "kwargs": kwargs,
        "status": expectation_status(result),
        "unexpected_count": details.get("unexpected_count"),
        "unexpected_percent": details.get("unexpected_percent"),
        "observed_value": plain(details.get("observed_value")),
        "error": _raised(result.exception_info),
    }


def define_suite(facts: Facts, name: str, factory: SuiteFactory) -> tuple[Suite | None, SuiteResult]:
    """The suite a factory defines from the warehouse's facts; an error is the suite's failure, not a crash."""
    started = time.monotonic()
    outcome = SuiteResult(name=name, table=name)
    suite = None
    try:
        suite = factory(facts)
        outcome.table = suite.table
    except Exception as error:  # reported in the summary; the run goes on
        outcome.error = f"{type(error).__name__}: {error}".strip()
    outcome.seconds = time.monotonic() - started
    return suite, outcome


def run_suite(context: Any, reads: TableReads, name: str, suite: Suite, outcome: SuiteResult) -> SuiteResult:
    """Validate one suite on its (shared) frame, or chunk by chunk on a large table; any error (missing
    table, bad expectation) is the suite's failure."""
    started = time.monotonic()
    try:
        if reads.in_chunks(suite):
            whole = [expectation for expectation in suite.expectations if not row_wise(expectation)]
            outcome.rows = reads.rows(suite.table)
            outcome.expectations = validate_chunks(
                context, name, suite, reads.chunks(suite), lambda: reads.whole(suite, whole)
            )
        else:
            frame = reads.frame(suite)
            outcome.rows = len(frame)
            outcome.expectations = validate_frame(context, name, suite, frame)
    except Exception as error:  # reported in the summary; the run goes on
        outcome.error = f"{type(error).__name__}: {error}".strip()
    outcome.seconds = round(outcome.seconds + time.monotonic() - started, 2)
    return outcome


def row_wise(expectation: gxe.Expectation) -> bool:
    """Whether the expectation's result is a sum over rows judged one by one (ROW_WISE)."""
    return expectation.expectation_type in ROW_WISE


def validate_frame(context: Any, name: str, suite: Suite, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Validate the suite on one frame holding every row."""
    return validate_chunks(context, name, suite, [frame])


def validate_chunks(
    context: Any,
    name: str,
    suite: Suite,
    chunks: Iterable[pd.DataFrame],
    whole_frame: Any = None,
) -> list[dict[str, Any]]:
    """Validate the suite on a table given as consecutive chunks of its rows.

    The suite runs whole (its checkpoint) on the first chunk. On every later chunk only its row-wise
    expectations run (ROW_WISE), and their counts are added to the first chunk's (merge_row_counts).
    With more than one chunk, ``whole_frame()`` gives every row of the columns the other expectations
    name, read after the chunks; those expectations are validated on it and replace their first-chunk
    results. One chunk (``validate_frame``) is exactly the plain validation of the suite on a frame.
    """
    gx_suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=suite.expectations))
    asset = context.data_sources.get("warehouse").add_dataframe_asset(name)
    batches = asset.add_batch_definition_whole_dataframe("all")
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batches, suite=gx_suite))
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(name=name, validation_definitions=[definition], actions=[], result_format=RESULT_FORMAT)
    )
    result, run, chunked = None, None, False
    for chunk in chunks:
        if result is None:
            result = checkpoint.run(batch_parameters={"dataframe": chunk})
            [run] = result.run_results.values()
            continue
        if whole_frame is None:
            raise ValueError("more than one chunk but no whole frame for the other expectations")
        chunked = True
        later = _validate_part(batches, chunk, name, [item for item in suite.expectations if row_wise(item)])
        for index, item in _positions(run.results, later):
            run.results[index] = merge_row_counts(run.results[index], item)
    if result is None or run is None:
        raise ValueError(f"{suite.table}: no rows read")
    if chunked:
        others = [item for item in suite.expectations if not row_wise(item)]
        if others and whole_frame is not None:
            for index, item in _positions(run.results, _validate_part(batches, whole_frame(), name, others)):
                run.results[index] = item
        statistics = calc_validation_statistics(run.results)
        run.success = statistics.success
        run.statistics.update({key: value for key, value in statistics._asdict().items() if key != "success"})
    described = [describe_result(item) for item in run.results]
    if context.list_data_docs_sites():
        # the docs are rendered once, at the end of the run, from the stored results: store the sanitised ones
        for key, stored in result.run_results.items():
            context.validation_results_store.set(key, stored)
    return described


def _validate_part(batches: Any, frame: pd.DataFrame, name: str, expectations: list[gxe.Expectation]) -> list[Any]:
    """Results of some of a suite's expectations on a frame (a suite not stored in the context: not in the docs)."""
    part = gx.ExpectationSuite(name=name, expectations=[expectation.configuration for expectation in expectations])
    return batches.get_batch(batch_parameters={"dataframe": frame}).validate(part, result_format=RESULT_FORMAT).results


def _identity(item: Any) -> str:
    """What tells an expectation's result from the others of its suite: its type, arguments and description."""
    config = item.expectation_config
    kwargs = {key: value for key, value in config.kwargs.items() if key != "batch_id"}
    return json.dumps([config.type, kwargs, config.description], sort_keys=True, default=str)


def _positions(results: list[Any], part: list[Any]) -> list[tuple[int, Any]]:
    """Each result of a part run beside the position of the same expectation in the suite's results
    (Great Expectations orders results its own way; the suite's order is the first chunk's)."""
    free: dict[str, list[int]] = {}
    for index, item in enumerate(results):
        free.setdefault(_identity(item), []).append(index)
    paired = []
    for item in part:
        positions = free.get(_identity(item))
        if not positions:
            raise ValueError(f"no result of the suite for {item.expectation_config.type}")
        paired.append((positions.pop(0), item))
    return paired


def merge_row_counts(first: Any, later: Any) -> Any:
    """One row-wise expectation's result over two consecutive parts of a table, as if validated at once.

    An error in either part is the result (the first one). Otherwise the counts add up and success and
    percentages are recomputed from the totals with Great Expectations' own map-expectation rules
    (``_mostly_success``, ``_format_map_output``): unexpected_percent of the rows with values, except for
    the expectations on nulls themselves (no missing_count: of every row).
    """
    if _raised(first.exception_info):
        return first
    if _raised(later.exception_info):
        return later
    a, b = first.result, later.result
    mostly = first.expectation_config.kwargs.get("mostly", 1)
    element_count = a["element_count"] + b["element_count"]
    unexpected_count = a["unexpected_count"] + b["unexpected_count"]
    nonnull_count = None
    if "missing_count" in a:  # ColumnMapExpectation, ColumnPairMapExpectation._validate
        nonnull_count = element_count - a["missing_count"] - b["missing_count"]
        vacuous = element_count == 0 or nonnull_count == 0
        success = vacuous or _mostly_success(nonnull_count, unexpected_count, mostly)
    else:  # expect_column_values_to_(not_)be_null._validate: of every row
        success = element_count == 0 or (element_count - unexpected_count) / element_count >= mostly
    merged = _format_map_output(
        result_format=parse_result_format(RESULT_FORMAT),
        success=success,
        element_count=element_count,
        nonnull_count=nonnull_count,
        unexpected_count=unexpected_count,
    )
    if set(merged["result"]) != set(a):
        raise ValueError(f"{first.expectation_config.type}: result keys {sorted(a)}, merged {sorted(merged['result'])}")
    first.success = merged["success"]
    first.result = merged["result"]
    return first


def build_data_docs(context: Any) -> None:
    """Render the data docs once for the whole run (every stored, sanitised result and every suite)."""
    if context.list_data_docs_sites():
        context.build_data_docs()


# ---------------------------------------------------------------------------------------------
# Summary


def unsuited_marts(con: duckdb.DuckDBPyConnection, results: list[SuiteResult]) -> list[str]:
    rows = con.execute("select 'marts.' || table_name from information_schema.tables where table_schema = 'marts'")
    covered = {result.table for result in results} | set(SUITES)  # built-in suites are named after their table
    return sorted(row[0] for row in rows.fetchall() if row[0] not in covered)


def build_id_of(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        rows = con.execute("select build_id from marts.warehouse_build").fetchall()
    except duckdb.Error:
        return None
    return rows[0][0] if len(rows) == 1 else None


def tables_in(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every table and view of the file as schema.name."""
    rows = con.execute("select table_schema || '.' || table_name from information_schema.tables").fetchall()
    return {row[0] for row in rows}


def summarise(
    warehouse: Path,
    build_id: str | None,
    results: list[SuiteResult],
    unsuited: list[str],
    not_built: list[str] | None = None,
) -> dict[str, Any]:
    items = [item for result in results for item in result.expectations]
    statuses = [item["status"] for item in items]
    return {
        "success": all(result.success for result in results),
        "warehouse": str(warehouse),
        "build_id": build_id,
        "validated_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "counts": {
            "suites": len(results),
            "suites_failed": sum(not result.success for result in results),
            "expectations": len(items),
            **{status: statuses.count(status) for status in ("pass", "fail", "error", "warn")},
        },
        "marts_without_suite": unsuited,
        "suites_not_built": not_built or [],
        "suites": [
            {
                "name": result.name,
                "table": result.table,
                "success": result.success,
                "rows": result.rows,
                "seconds": result.seconds,
                "error": result.error,
                "expectations": result.expectations,
            }
            for result in results
        ],
    }


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")[:160]


def _failure_line(item: dict[str, Any]) -> str:
    facts = [
        f"{label} {item[key]}"
        for label, key in (("unexpected", "unexpected_count"), ("observed", "observed_value"), ("error", "error"))
        if item[key] is not None
    ]
    rule = item["description"] or ""
    return f"`{item['expectation']}` {item['column']} ({item['status']}): {rule}; {'; '.join(facts)}"


def render_markdown(summary: dict[str, Any]) -> str:
    counts = summary["counts"]
    lines = [
        f"# Warehouse validation: {'PASSED' if summary['success'] else 'FAILED'}",
        "",
        f"- warehouse: `{summary['warehouse']}` (build `{summary['build_id']}`), validated {summary['validated_at']}",
        f"- {counts['suites']} suites ({counts['suites_failed']} failed), {counts['expectations']} expectations:"
        f" {counts['pass']} pass, {counts['fail']} fail, {counts['error']} error, {counts['warn']} warn",
    ]
    if summary.get("suites_not_built"):
        lines.append(f"- not validated (table not in this build): {', '.join(summary['suites_not_built'])}")
    if summary["marts_without_suite"]:
        lines.append(f"- warning: marts without a suite: {', '.join(summary['marts_without_suite'])}")
    failed = [
        (suite["name"], item)
        for suite in summary["suites"]
        for item in suite["expectations"]
        if item["status"] != "pass"
    ]
    broken = [suite for suite in summary["suites"] if suite["error"]]
    if failed or broken:
        lines += ["", "## Not passing", ""]
        lines += [f"- **{suite['name']}**: suite error: {suite['error']}" for suite in broken]
        lines += [f"- **{name}** {_failure_line(item)}" for name, item in failed]
    for suite in summary["suites"]:
        lines += ["", f"## {suite['name']}: {'pass' if suite['success'] else 'FAIL'} ({suite['rows']} rows)", ""]
        lines += [
            "| result | expectation | column | rule | unexpected | observed |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {item['status']} | {item['expectation']} | {_cell(item['column'])} | {_cell(item['description'])}"
            f" | {_cell(item['unexpected_count'])} | {_cell(item['observed_value'])} |"
            for item in suite["expectations"]
        ]
    return "\n".join(lines) + "\n"


def write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def write_summary(out: Path, summary: dict[str, Any]) -> None:
    write_atomically(out / "summary.json", json.dumps(summary, indent=2, default=str) + "\n")
    write_atomically(out / "summary.md", render_markdown(summary))


def mask_text(text: str) -> str:
    """Email- and phone-shaped text replaced by [email] / [phone] (the patterns of the PII suite)."""
    text = re.sub(EMAIL_PATTERN, "[email]", text)
    return re.sub(PHONE_PATTERN, lambda match: _keep_boundaries(match.group(0)), text)


def _keep_boundaries(found: str) -> str:
    """[phone] in place of the digits of a match, keeping the boundary characters it consumed."""
    start = re.search(r"[+(0-9]", found)
    end = max(found.rfind(digit) for digit in "0123456789")
    return found[: start.start() if start else 0] + "[phone]" + found[end + 1 :]


def mask_report_files(out: Path) -> int:
    """Last line of defence: mask email- and phone-shaped text in every text file of the report
    folder (summary.md, summary.json, data docs). Returns how many files were changed."""
    changed = 0
    for path in sorted(out.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in {".md", ".json", ".html", ".txt", ".csv"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        masked = mask_text(text)
        if masked != text:
            write_atomically(path, masked)
            changed += 1
    return changed


# ---------------------------------------------------------------------------------------------
# Command


def validation_memory_limit() -> str:
    """DuckDB's memory_limit for the validation: the profile's (CRM_DUCKDB_MEMORY_LIMIT, default 6GB; DuckDB's
    own default is 80% of RAM), at most VALIDATION_MEMORY_CAP. The validation streams tables and runs counts
    and scans, which need little; beyond that DuckDB's memory is its cache of the blocks it read, which grows
    to the limit on a large warehouse."""
    profile = os.environ.get("CRM_DUCKDB_MEMORY_LIMIT", "").strip() or "6GB"
    size = _size_bytes(profile)
    return profile if size is None or size <= _size_bytes(VALIDATION_MEMORY_CAP) else VALIDATION_MEMORY_CAP


def _size_bytes(size: str) -> float | None:
    """A DuckDB size setting (``6GB``, ``512MiB``) in bytes; None when it is not one of those shapes."""
    found = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?)(i?)B", size.strip(), flags=re.IGNORECASE)
    if not found:
        return None
    number, unit, binary = found.groups()
    return float(number) * (1024 if binary else 1000) ** ("KMGT".find(unit.upper()) + 1) if unit else float(number)


def connect_read_only(warehouse: Path) -> duckdb.DuckDBPyConnection:
    if not warehouse.is_file():
        raise UnusableError(f"no warehouse file at {warehouse}")
    try:
        return duckdb.connect(str(warehouse), read_only=True, config={"memory_limit": validation_memory_limit()})
    except duckdb.Error as error:
        raise UnusableError(f"cannot open {warehouse} read-only (is a build writing it?): {error}") from error


def validate(
    warehouse: Path,
    out: Path,
    suites: dict[str, SuiteFactory],
    expected_build_id: str | None = None,
    docs: bool = True,
    built_only: bool = False,
) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    docs_dir = out / "data_docs"
    shutil.rmtree(docs_dir, ignore_errors=True)
    context = make_context(docs_dir if docs else None)
    context.data_sources.add_pandas("warehouse")
    with connect_read_only(warehouse) as con:
        facts = Facts(con, expected_build_id)
        # the built-in suites are named after their table (schema.name), but for the checks across tables
        # (check.*, which look at whatever the file holds); extra suites always run
        present = tables_in(con)
        not_built = sorted(
            name
            for name in suites
            if built_only and name in SUITES and not name.startswith("check.") and name not in present
        )
        for name in not_built:
            print(f"skip  {name}  (not in this build)", flush=True)
        # every suite is defined first, so that each table is read once for all the suites on it
        defined = [
            (name, *define_suite(facts, name, factory)) for name, factory in suites.items() if name not in not_built
        ]
        reads = TableReads(con)
        reads.plan([suite for _, suite, _ in defined if suite is not None])
        results = []
        for name, suite, outcome in defined:
            result = outcome if suite is None else run_suite(context, reads, name, suite, outcome)
            result.seconds = round(result.seconds, 2)
            print(
                f"{'pass' if result.success else 'FAIL'}  {name}  ({result.rows} rows, {result.seconds} s)", flush=True
            )
            results.append(result)
        summary = summarise(warehouse, build_id_of(con), results, unsuited_marts(con, results), not_built)
    build_data_docs(context)
    write_summary(out, summary)
    mask_report_files(out)
    return summary


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, required=True, help="the DuckDB file to validate (opened read-only)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"report folder (default {DEFAULT_OUT})")
    parser.add_argument("--suite", action="append", default=[], help="run only this suite (repeatable)")
    parser.add_argument(
        "--extra-suites",
        action="append",
        type=Path,
        default=[],
        help=f"Python file with more SUITES (repeatable; also ${EXTRA_SUITES_ENV}, {os.pathsep!r}-separated)",
    )
    parser.add_argument("--expect-build-id", help="fail unless marts.warehouse_build holds this build id")
    parser.add_argument("--no-docs", action="store_true", help="skip the Great Expectations data docs")
    parser.add_argument(
        "--built-only",
        action="store_true",
        help="run only the suites whose table is in the file (a build of a selection); list the others as not built",
    )
    return parser.parse_args(argv)


def extra_suite_paths(args: argparse.Namespace) -> list[Path]:
    from_env = [Path(item) for item in os.environ.get(EXTRA_SUITES_ENV, "").split(os.pathsep) if item.strip()]
    return [*from_env, *args.extra_suites]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        suites = select_suites(extra_suite_paths(args), args.suite)
        summary = validate(
            args.warehouse.resolve(),
            args.out.resolve(),
            suites,
            args.expect_build_id,
            not args.no_docs,
            args.built_only,
        )
    except UnusableError as error:
        print(f"crm-validate: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    counts = summary["counts"]
    print(
        f"\nValidation {'passed' if summary['success'] else 'FAILED'}: {counts['expectations']} expectations,"
        f" {counts['fail']} failed, {counts['error']} errors, {counts['warn']} warnings;"
        f" {counts['suites_failed']} of {counts['suites']} suites failed."
        f"\nSummary: {args.out.resolve() / 'summary.md'}"
        + (f"\nData docs: {args.out.resolve() / 'data_docs' / 'index.html'}" if not args.no_docs else "")
    )
    for mart in summary["marts_without_suite"]:
        print(f"warning: {mart} has no expectation suite (add one to crmwh.expectations.SUITES)")
    return EXIT_PASSED if summary["success"] else EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
