"""Benchmark a tier end to end and print one markdown table of the figures.

``python -m crmwh.benchmark --tier M --format parquet --build`` runs, each phase in its own child
process (so each peak RSS is its own):

1. generate: ``crmwh.generate`` into ``--out`` (default ``data/bench_<tier>_<format>``), or
   "reused" when ``--out`` already holds an export of the same tier, seed and format (its
   ``_meta/truth.json``) with every raw file of the contract;
2. full: ``crmwh.build --served <bench>/served/crm.duckdb``, the export read in place
   (CRM_RAW_DIR, CRM_RAW_FORMAT), dbt's target in ``<bench>/target/full``: seconds, peak RSS,
   served file size, and the split: dbt build (run_results.json ``elapsed_time``) and validation
   (from the line build.py prints when it starts ``crmwh.validate`` to the end);
3. append: the export copied to ``<bench>/raw_plus1pct`` (the export itself is never changed,
   so a rerun reuses it) and about 1% rows appended (``crmwh.gen_append.append_rows``);
4. incremental: ``crmwh.build --incremental`` on that folder, against a copy of the full build's
   served file; its speed-up over the full build (target: at least 5x);
5. floor: ``dbt compile`` of the models into an empty ``<bench>/floor/crm.duckdb`` (so every
   incremental model compiles to its full SQL), the lookup seeds copied from the full build's
   served file (or ``dbt seed`` when there is none), then, timed, in one DuckDB process: the
   compiled SQL of every model in DAG order, as dbt-duckdb materialises it (view: create view;
   table and incremental: create table as, or with an enforced contract create table with the
   contract's columns and constraints, then insert; Python: the compiled module's model(),
   stored as a table; ephemeral: nothing, already inlined), then a checkpoint. The floor's
   tables must have the full build's row counts (checked after, untimed; a difference fails).

``<bench>`` is the folder ``<out>.bench`` beside the export. ``--phases full,floor`` runs only
those; without ``--phases``, ``--build`` runs them all and no flag only generates (as before).
Peak RSS: each phase runs under a small wrapper process (``_measure``) that reports
``getrusage(RUSAGE_CHILDREN).ru_maxrss`` of its children: the largest resident set of one
process of the phase (dbt, the validation, the floor), not a sum of processes alive together.
DuckDB settings (memory limit, temp directory, insertion order): duckdb_settings(), from the
same environment variables as profiles.yml. ``--json F`` writes the figures as JSON. Targets
are checked by a person reading the figures, never in timed tests.
"""

from __future__ import annotations

import argparse
import contextlib
import heapq
import importlib.util
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PHASES = ("generate", "full", "append", "incremental", "floor")
APPEND_SHARE = 0.01
INCREMENTAL_TARGET = 5.0
SLOWEST = 10
# build.py prints this line ("$ <python> -m crmwh.validate ...") when the validation starts
VALIDATION_MARK = re.compile(r"^\$ .* -m crmwh\.validate ")
LOG_LINE = re.compile(r"^\[\s*([0-9.]+)\] (.*)$")


# ---------------------------------------------------------------------------------------------
# Figures and their tables


@dataclass
class Phase:
    name: str
    seconds: float | None = None  # None: not measured (reused, skipped)
    peak_gib: float | None = None
    size_bytes: int | None = None
    note: str = ""
    ratio: bool = True  # show the ratio to the floor


@dataclass
class Report:
    tier: str
    fmt: str
    seed: int
    machine: str
    phases: list[Phase] = field(default_factory=list)
    slowest: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # JSON only: speed-up, the floor's slowest models, ...
    failed: bool = False

    def get(self, name: str) -> Phase | None:
        return next((phase for phase in self.phases if phase.name == name), None)


def human_size(size: int | None) -> str:
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1024
    return ""  # pragma: no cover


def markdown_table(header: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    """A GitHub markdown table; columns in right are right-aligned."""
    right = right or set()
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("| " + " | ".join("---:" if i in right else "---" for i in range(len(header))) + " |")
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def phase_table(phases: list[Phase], floor_seconds: float | None) -> str:
    rows = []
    for phase in phases:
        seconds = "" if phase.seconds is None else f"{phase.seconds:,.1f}"
        peak = "" if phase.peak_gib is None else f"{phase.peak_gib:,.2f}"
        ratio = ""
        if phase.ratio and phase.seconds is not None and floor_seconds:
            ratio = f"{phase.seconds / floor_seconds:,.2f}x"
        name = phase.name + (f" ({phase.note})" if phase.note else "")
        rows.append([name, seconds, peak, human_size(phase.size_bytes), ratio])
    return markdown_table(["phase", "seconds", "peak RSS (GiB)", "file size", "ratio to floor"], rows, {1, 2, 3, 4})


def slowest_table(slowest: list[dict[str, Any]]) -> str:
    rows = [[node["name"], node["type"], f"{node['seconds']:,.2f}"] for node in slowest]
    return markdown_table(["node", "type", "seconds"], rows, {2})


def render(report: Report) -> str:
    floor = report.get("floor")
    floor_seconds = floor.seconds if floor else None
    parts = [
        f"Benchmark: tier {report.tier}, {report.fmt}, seed {report.seed}; {report.machine}",
        "",
        phase_table(report.phases, floor_seconds),
    ]
    if report.notes:
        parts += ["", *report.notes]
    if report.slowest:
        parts += ["", f"The {len(report.slowest)} slowest nodes of the full build (dbt run_results.json):", ""]
        parts.append(slowest_table(report.slowest))
    return "\n".join(parts)


def machine_facts() -> str:
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 2**20:,.0f} GiB RAM"
    try:
        import duckdb

        engine = f"DuckDB {duckdb.__version__}"
    except ImportError:  # pragma: no cover
        engine = "DuckDB ?"
    cores = os.cpu_count()
    return (
        f"{cores} cores{memory}, {platform.system()} {platform.machine()}, Python {platform.python_version()}, {engine}"
    )


# ---------------------------------------------------------------------------------------------
# The export: generate or reuse


def export_matches(folder: Path, tier: str, seed: int, fmt: str) -> bool:
    """True when folder holds a whole export of this tier, seed and format (default dirty rate), per _meta/truth.json."""
    from crmwh.contract import TABLES
    from crmwh.generate import DEFAULT_DIRTY_RATE, TIERS

    try:
        truth = json.loads((folder / "_meta" / "truth.json").read_text())
    except (OSError, ValueError):
        return False
    expected = {
        "generator": "crmwh.generate",
        "tier": tier,
        "seed": seed,
        "format": fmt,
        "customers": TIERS[tier].customers if tier in TIERS else None,
        "dirty_rate": DEFAULT_DIRTY_RATE,
    }
    if any(truth.get(key) != value for key, value in expected.items()):
        return False
    return all((folder / f"raw_{table.name}.{fmt}").is_file() for table in TABLES)


def export_bytes(folder: Path, fmt: str) -> int:
    return sum(path.stat().st_size for path in folder.glob(f"raw_*.{fmt}"))


# ---------------------------------------------------------------------------------------------
# Children: every phase runs under _measure, which logs its output with times and reports its peak


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a phase: this checkout's scripts first on PYTHONPATH, plus extra."""
    scripts = str(ROOT / "scripts")
    pythonpath = os.pathsep.join(filter(None, [scripts, os.environ.get("PYTHONPATH", "")]))
    return {**os.environ, "PYTHONPATH": pythonpath, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", **(extra or {})}


def measure_main(argv: list[str]) -> int:
    """``_measure RESULT LOG -- COMMAND...``: run COMMAND, its output to LOG with each line's second since
    start; write exit code, seconds and peak RSS (KiB, largest child process) to RESULT."""
    result, log, command = Path(argv[0]), Path(argv[1]), argv[3:]
    start = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            out.write(f"[{time.perf_counter() - start:9.2f}] {line}")
        code = proc.wait()
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result.write_text(json.dumps({"code": code, "seconds": seconds, "peak_kib": peak_kib}))
    return code


@dataclass
class Measured:
    code: int
    seconds: float
    peak_gib: float
    log: Path


def run_measured(name: str, command: list[str], work: Path, env: dict[str, str] | None = None) -> Measured:
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    result, log = logs / f"{name}.json", logs / f"{name}.log"
    result.unlink(missing_ok=True)
    print(f"[benchmark] {name}: running (log {log})", file=sys.stderr, flush=True)
    wrapper = [sys.executable, "-m", "crmwh.benchmark", "_measure", str(result), str(log), "--", *command]
    code = subprocess.run(wrapper, cwd=ROOT, env=child_env(env), check=False).returncode
    try:
        data = json.loads(result.read_text())
    except (OSError, ValueError):
        data = {"code": code or 1, "seconds": float("nan"), "peak_kib": 0}
    measured = Measured(int(data["code"]), float(data["seconds"]), data["peak_kib"] / 2**20, log)
    if measured.code != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:]) if log.exists() else ""
        print(f"[benchmark] {name} failed (exit {measured.code}); log {log}:\n{tail}", file=sys.stderr, flush=True)
    return measured


def mark_seconds(log: Path, pattern: re.Pattern[str]) -> float | None:
    """Seconds since the start of the phase at the first log line matching pattern (None: no such line)."""
    with contextlib.suppress(OSError):
        for line in log.read_text(errors="replace").splitlines():
            match = LOG_LINE.match(line)
            if match and pattern.search(match.group(2)):
                return float(match.group(1))
    return None


def dbt_command(*args: str) -> list[str]:
    candidate = Path(sys.executable).with_name("dbt")
    dbt = str(candidate) if candidate.exists() else "dbt"
    return [dbt, *args, "--project-dir", str(ROOT), "--profiles-dir", str(ROOT)]


def raw_env(folder: Path, fmt: str, target: Path, logs: Path) -> dict[str, str]:
    return {
        "CRM_RAW_DIR": str(folder),
        "CRM_RAW_FORMAT": fmt,
        "CRM_TARGET": "duckdb",
        "DBT_TARGET_PATH": str(target),
        "DBT_LOG_PATH": str(logs),
    }


# ---------------------------------------------------------------------------------------------
# dbt's artifacts


def load_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def node_type(unique_id: str) -> str:
    kind = unique_id.split(".")[0]
    return {"unit_test": "unit test"}.get(kind, kind)


def slowest_nodes(run_results: dict[str, Any], manifest: dict[str, Any] | None, count: int = SLOWEST) -> list[dict]:
    """The count slowest nodes of a dbt run: name, type (model, test, unit test, seed, ...) and seconds."""
    manifest = manifest or {}
    known = {**manifest.get("nodes", {}), **manifest.get("unit_tests", {})}
    results = sorted(run_results.get("results", []), key=lambda r: (-(r.get("execution_time") or 0), r["unique_id"]))
    slowest = []
    for result in results[:count]:
        uid = result["unique_id"]
        name = known.get(uid, {}).get("name") or ".".join(uid.split(".")[2:]) or uid
        slowest.append({"name": name, "type": node_type(uid), "seconds": float(result.get("execution_time") or 0)})
    return slowest


def dag_order(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The models of a manifest, each after every model it depends on (ties by unique_id, so the order is stable)."""
    models = {uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    parents = {uid: {p for p in node["depends_on"]["nodes"] if p in models} for uid, node in models.items()}
    children: dict[str, list[str]] = {uid: [] for uid in models}
    for uid, ups in parents.items():
        for parent in ups:
            children[parent].append(uid)
    waiting = {uid: len(ups) for uid, ups in parents.items()}
    ready = [uid for uid, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        uid = heapq.heappop(ready)
        order.append(models[uid])
        for child in children[uid]:
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, child)
    if len(order) != len(models):
        stuck = sorted(uid for uid, count in waiting.items() if count > 0)
        raise ValueError(f"the models depend on each other in a cycle: {', '.join(stuck[:5])}")
    return order


# ---------------------------------------------------------------------------------------------
# The floor


def duckdb_settings(database: Path, environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The DuckDB settings of the floor, from the environment variables profiles.yml reads (same defaults):
    CRM_DUCKDB_MEMORY_LIMIT ('6GB'), CRM_DUCKDB_TEMP_DIR (a folder next to the database file),
    CRM_DUCKDB_PRESERVE_INSERTION_ORDER (false)."""
    env = os.environ if environ is None else environ
    preserve = env.get("CRM_DUCKDB_PRESERVE_INSERTION_ORDER", "false").strip().lower() in ("1", "true", "yes", "on")
    return {
        "memory_limit": env.get("CRM_DUCKDB_MEMORY_LIMIT", "").strip() or "6GB",
        "temp_directory": env.get("CRM_DUCKDB_TEMP_DIR", "").strip() or str(database.with_name(database.name + ".tmp")),
        "preserve_insertion_order": preserve,
    }


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def contract_ddl(node: dict[str, Any]) -> tuple[str, str]:
    """An enforced contract as dbt renders it: the column list with types and constraints, and the column names."""
    rendered = {"not_null": "not null", "unique": "unique", "primary_key": "primary key"}
    columns, names = [], []
    for column in node["columns"].values():
        name = quoted(column["name"]) if column.get("quote") else column["name"]
        parts = [name, column["data_type"]]
        for constraint in column.get("constraints") or []:
            if constraint["type"] in rendered:
                parts.append(rendered[constraint["type"]])
            elif constraint["type"] == "check" and constraint.get("expression"):
                parts.append(f"check ({constraint['expression']})")
        columns.append(" ".join(parts))
        names.append(name)
    for constraint in node.get("constraints") or []:
        cols = ", ".join(constraint.get("columns") or [])
        if constraint["type"] in ("unique", "primary_key") and cols:
            columns.append(f"{rendered[constraint['type']]} ({cols})")
        elif constraint["type"] == "check" and constraint.get("expression"):
            columns.append(f"check ({constraint['expression']})")
    return "(" + ", ".join(columns) + ")", ", ".join(names)


def model_statements(node: dict[str, Any]) -> list[str]:
    """The SQL that materialises one SQL model as dbt-duckdb does (no temporary relation, no rename)."""
    relation, sql = node["relation_name"], node["compiled_code"]
    materialized = node["config"]["materialized"]
    if materialized == "view":
        return [f"create view {relation} as (\n{sql}\n)"]
    if materialized not in ("table", "incremental"):
        raise ValueError(f"{node['name']}: materialization {materialized} is not known to the floor")
    if (node["config"].get("contract") or {}).get("enforced"):
        columns, names = contract_ddl(node)
        return [
            f"create table {relation} {columns}",
            f"insert into {relation} ({names}) (select {names} from (\n{sql}\n) as model_subq)",
        ]
    return [f"create table {relation} as (\n{sql}\n)"]


def run_python_model(con: Any, node: dict[str, Any]) -> None:
    """A dbt Python model as dbt-duckdb runs it: the compiled module's model(dbt, session), stored as a table."""
    import duckdb

    namespace: dict[str, Any] = {"__name__": f"floor_{node['name']}"}
    exec(compile(node["compiled_code"], node["original_file_path"], "exec"), namespace)
    dbt = namespace["dbtObj"](lambda name: con.query(f"select * from {name}"))
    frame = namespace["model"](dbt, con)
    temporary = f"__floor_python_{node['name']}"
    if isinstance(frame, duckdb.DuckDBPyRelation):
        frame.create_view(temporary)
    else:
        con.register(temporary, frame)
    con.execute(f"create table {node['relation_name']} as select * from {temporary}")
    with contextlib.suppress(Exception):
        con.unregister(temporary)
    with contextlib.suppress(Exception):
        con.execute(f"drop view if exists {temporary}")


def model_relations(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [node for node in dag_order(manifest) if node["config"]["materialized"] != "ephemeral"]


def copy_seeds(manifest: dict[str, Any], database: Path, source: Path) -> list[str]:
    """Copy the seed tables the models read from another DuckDB file (the full build's served file)."""
    import duckdb

    used = {parent for node in manifest["nodes"].values() for parent in node.get("depends_on", {}).get("nodes", [])}
    seeds = [manifest["nodes"][uid] for uid in sorted(used) if uid.startswith("seed.")]
    with duckdb.connect(str(database)) as con:
        con.execute(f"attach {sql_string(str(source))} as seed_source (read_only)")
        for seed in seeds:
            schema, alias = seed["schema"], seed["alias"]
            con.execute(f"create schema if not exists {quoted(seed['database'])}.{quoted(schema)}")
            con.execute(
                f"create or replace table {seed['relation_name']} as"
                f" select * from seed_source.{quoted(schema)}.{quoted(alias)}"
            )
        con.execute("detach seed_source")
    return [seed["name"] for seed in seeds]


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def run_floor(manifest: dict[str, Any], database: Path) -> dict[str, Any]:
    """Materialise every model of manifest in DAG order in one DuckDB connection to database; timed.

    The seeds the models read must already be in the file. Returns the seconds (models and the final
    checkpoint) and each model's seconds."""
    import duckdb

    from crmwh.pii_session import set_salt

    nodes = model_relations(manifest)
    settings = duckdb_settings(database)
    Path(settings["temp_directory"]).mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(database), config=settings)
    try:
        set_salt(con)  # the on-run-start check_pii_salt checks this variable; pii_hash() reads it
        for catalog, schema in sorted({(node["database"], node["schema"]) for node in nodes}):
            con.execute(f"create schema if not exists {quoted(catalog)}.{quoted(schema)}")
        timings = []
        start = time.perf_counter()
        for node in nodes:
            began = time.perf_counter()
            try:
                if node["language"] == "python":
                    run_python_model(con, node)
                else:
                    for statement in model_statements(node):
                        con.execute(statement)
            except Exception as error:
                raise RuntimeError(f"floor: model {node['name']} failed: {error}") from error
            timings.append({"name": node["name"], "seconds": time.perf_counter() - began})
        con.execute("checkpoint")
        seconds = time.perf_counter() - start
    finally:
        con.close()
    return {"seconds": seconds, "models": timings}


def table_counts(database: Path, relations: list[tuple[str, str]]) -> dict[str, int | None]:
    """Row counts of schema.table relations of a DuckDB file (None: missing)."""
    import duckdb

    counts: dict[str, int | None] = {}
    with duckdb.connect(str(database), read_only=True) as con:
        for schema, table in relations:
            try:
                counts[f"{schema}.{table}"] = int(
                    con.execute(f"select count(*) from {quoted(schema)}.{quoted(table)}").fetchone()[0]
                )
            except duckdb.Error:
                counts[f"{schema}.{table}"] = None
    return counts


def compare_tables(manifest: dict[str, Any], floor: Path, built: Path) -> tuple[int, list[str]]:
    """Compare the row counts of every table model (marts and the rest) of the floor and of a build: (tables, differences)."""
    relations = [
        (node["schema"], node["alias"])
        for node in model_relations(manifest)
        if node["config"]["materialized"] in ("table", "incremental")
    ]
    ours, theirs = table_counts(floor, relations), table_counts(built, relations)
    differences = [
        f"{name}: floor {ours[name]} rows, build {theirs[name]} rows" for name in ours if ours[name] != theirs[name]
    ]
    return len(relations), differences


def floor_main(argv: list[str]) -> int:
    """``_floor MANIFEST DATABASE RESULT``: the floor run in this process (under _measure)."""
    manifest, database, result = load_json(Path(argv[0])), Path(argv[1]), Path(argv[2])
    figures = run_floor(manifest, database)
    result.write_text(json.dumps(figures))
    print(f"floor: {len(figures['models'])} models in {figures['seconds']:,.1f} s")
    return 0


def append_main(argv: list[str]) -> int:
    """``_append BASE FOLDER SEED FORMAT``: copy the export to FOLDER and append ~1% rows there."""
    base, folder, seed, fmt = Path(argv[0]), Path(argv[1]), int(argv[2]), argv[3]
    from crmwh.gen_append import append_rows  # lazily: it comes with the incremental builds

    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(base, folder)
    appended = append_rows(folder, share=APPEND_SHARE, seed=seed, fmt=fmt)
    print(json.dumps(appended))
    return 0


# ---------------------------------------------------------------------------------------------
# The phases


@dataclass
class Bench:
    out: Path  # the export
    work: Path  # everything else
    tier: str
    fmt: str
    seed: int
    report: Report

    @property
    def served(self) -> Path:
        return self.work / "served" / "crm.duckdb"

    @property
    def appended(self) -> Path:
        return self.work / "raw_plus1pct"

    def target(self, phase: str) -> Path:
        return self.work / "target" / phase

    def env(self, phase: str, raw: Path | None = None) -> dict[str, str]:
        return raw_env(raw or self.out, self.fmt, self.target(phase), self.work / "logs" / f"dbt-{phase}")


def phase_generate(bench: Bench, requested: bool) -> bool:
    size = None
    if export_matches(bench.out, bench.tier, bench.seed, bench.fmt):
        size = export_bytes(bench.out, bench.fmt)
        bench.report.phases.append(Phase(f"generate tier {bench.tier}", None, None, size, "reused", ratio=False))
        return True
    if not requested:
        print(
            f"{bench.out} holds no export of tier {bench.tier}, seed {bench.seed}, {bench.fmt}: add the phase generate",
            file=sys.stderr,
        )
        return False
    command = [sys.executable, "-m", "crmwh.generate", "--tier", bench.tier, "--seed", str(bench.seed)]
    command += ["--format", bench.fmt, "--out", str(bench.out), "--quiet"]
    run = run_measured("generate", command, bench.work)
    if run.code != 0:
        return False
    size = export_bytes(bench.out, bench.fmt)
    bench.report.phases.append(Phase(f"generate tier {bench.tier}", run.seconds, run.peak_gib, size, ratio=False))
    truth = json.loads((bench.out / "_meta" / "truth.json").read_text())
    rows = truth.get("row_counts") or {}
    bench.report.notes.append(f"Raw rows: {sum(rows.values()):,} in {len(rows)} tables.")
    return True


def build_phases(name: str, run: Measured, served: Path, target: Path, label: str) -> list[Phase]:
    """The build's row and its split: dbt build (run_results elapsed) and validation (from build.py's output)."""
    phases = [Phase(label, run.seconds, run.peak_gib, served.stat().st_size if served.exists() else None)]
    results = target / "run_results.json"
    dbt_seconds = load_json(results).get("elapsed_time") if results.exists() else None
    validation_start = mark_seconds(run.log, VALIDATION_MARK)
    if dbt_seconds is not None:
        phases.append(Phase(f"{name}: dbt build", float(dbt_seconds), note="run_results.json elapsed_time"))
    if validation_start is not None:
        phases.append(Phase(f"{name}: validation", run.seconds - validation_start, note="crmwh.validate, publish"))
    if dbt_seconds is not None and validation_start is not None:
        rest = run.seconds - float(dbt_seconds) - (run.seconds - validation_start)
        phases.append(Phase(f"{name}: the rest", rest, note="dbt start-up and parse, seal", ratio=False))
    return phases


def phase_full(bench: Bench) -> bool:
    shutil.rmtree(bench.target("full"), ignore_errors=True)
    bench.served.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "crmwh.build", "--served", str(bench.served)]
    run = run_measured("full", command, bench.work, bench.env("full"))
    if run.code != 0:
        return False
    bench.report.phases += build_phases(
        "full", run, bench.served, bench.target("full"), "full build + validation + publish"
    )
    results, manifest = bench.target("full") / "run_results.json", bench.target("full") / "manifest.json"
    if results.exists():
        bench.report.slowest = slowest_nodes(load_json(results), load_json(manifest) if manifest.exists() else None)
    return True


def build_supports_incremental() -> bool:
    command = [sys.executable, "-m", "crmwh.build", "--help"]
    help_text = subprocess.run(command, cwd=ROOT, env=child_env(), capture_output=True, text=True, check=False).stdout
    return "--incremental" in help_text


def phase_append(bench: Bench) -> bool:
    if importlib.util.find_spec("crmwh.gen_append") is None:
        bench.report.notes.append("append +1%: skipped, crmwh.gen_append is missing (the incremental builds' branch).")
        return True
    command = [sys.executable, "-m", "crmwh.benchmark", "_append", str(bench.out), str(bench.appended)]
    run = run_measured("append", [*command, str(bench.seed), bench.fmt], bench.work)
    if run.code != 0:
        return False
    lines = [line for line in run.log.read_text().splitlines() if LOG_LINE.match(line)]
    appended = json.loads(LOG_LINE.match(lines[-1]).group(2)) if lines else {}
    rows = sum(appended.values()) if isinstance(appended, dict) else 0
    size = export_bytes(bench.appended, bench.fmt)
    bench.report.phases.append(
        Phase("append +1%", run.seconds, run.peak_gib, size, f"copy + {rows:,} rows appended", ratio=False)
    )
    return True


def phase_incremental(bench: Bench) -> bool:
    if not build_supports_incremental():
        bench.report.notes.append("incremental build: skipped, crmwh.build has no --incremental yet.")
        return True
    if not bench.served.exists() or not bench.appended.exists():
        bench.report.notes.append("incremental build: skipped, it needs the full build's file and the +1% export.")
        return True
    served = bench.work / "incremental" / "crm.duckdb"
    shutil.rmtree(served.parent, ignore_errors=True)
    served.parent.mkdir(parents=True)
    shutil.copyfile(bench.served, served)  # untimed: the incremental build starts from the full build
    shutil.rmtree(bench.target("incremental"), ignore_errors=True)
    command = [sys.executable, "-m", "crmwh.build", "--incremental", "--served", str(served)]
    run = run_measured("incremental", command, bench.work, bench.env("incremental", bench.appended))
    if run.code != 0:
        return False
    label = "incremental build + validation + publish"
    bench.report.phases += build_phases("incremental", run, served, bench.target("incremental"), label)
    full = bench.report.get("full build + validation + publish")
    if full and full.seconds:
        speedup = full.seconds / run.seconds
        bench.report.extra["incremental_speedup"] = speedup
        verdict = "met" if speedup >= INCREMENTAL_TARGET else "NOT met"
        bench.report.notes.append(
            f"Incremental build after +1%: {speedup:,.1f}x faster than the full build"
            f" (target at least {INCREMENTAL_TARGET:g}x: {verdict})."
        )
    return True


def phase_floor(bench: Bench) -> bool:
    folder = bench.work / "floor"
    database = folder / "crm.duckdb"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    target, env = bench.target("floor"), bench.env("floor")
    shutil.rmtree(target, ignore_errors=True)
    env["CRM_DUCKDB_PATH"] = str(database)  # empty: every incremental model compiles to its full SQL
    compiled = run_measured("floor-compile", dbt_command("compile", "--select", "resource_type:model"), bench.work, env)
    if compiled.code != 0:
        return False
    manifest_path = target / "manifest.json"
    manifest = load_json(manifest_path)
    if bench.served.exists():
        copy_seeds(manifest, database, bench.served)
    else:
        seeded = run_measured("floor-seed", dbt_command("seed", "--select", "path:seeds/lookups"), bench.work, env)
        if seeded.code != 0:
            return False
    result = bench.work / "logs" / "floor-result.json"
    command = [sys.executable, "-m", "crmwh.benchmark", "_floor", str(manifest_path), str(database), str(result)]
    run = run_measured("floor", command, bench.work)
    if run.code != 0:
        return False
    figures = load_json(result)
    bench.report.extra["floor_compile_seconds"] = compiled.seconds
    bench.report.extra["floor_slowest_models"] = sorted(figures["models"], key=lambda m: -m["seconds"])[:SLOWEST]
    bench.report.extra["duckdb_settings"] = duckdb_settings(database)
    bench.report.notes.append(
        f"Floor: {len(figures['models'])} models; its dbt compile ({compiled.seconds:,.1f} s) and seeds are not timed."
    )
    note = "compiled SQL of the models in DAG order, one DuckDB process"
    bench.report.phases.append(Phase("floor", figures["seconds"], run.peak_gib, database.stat().st_size, note))
    if bench.served.exists():
        tables, differences = compare_tables(manifest, database, bench.served)
        if differences:
            bench.report.notes.append(
                "Floor check FAILED: row counts differ from the full build's:\n  " + "\n  ".join(differences[:20])
            )
            return False
        else:
            bench.report.notes.append(
                f"Floor check: the {tables} tables of the floor have the full build's row counts."
            )
    else:
        bench.report.notes.append("Floor check: skipped (no full build's served file to compare with).")
    return True


def parse_phases(text: str | None, build: bool) -> list[str]:
    if text is None:
        return list(PHASES) if build else ["generate"]
    phases = [part.strip() for part in text.split(",") if part.strip()]
    unknown = sorted(set(phases) - set(PHASES))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown phase(s) {', '.join(unknown)}; known: {', '.join(PHASES)}")
    return [phase for phase in PHASES if phase in phases]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    hidden = {"_measure": measure_main, "_floor": floor_main, "_append": append_main}
    if argv and argv[0] in hidden:
        return hidden[argv[0]](argv[1:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tier", default="M", help="generator tier (demo, M, L)")
    parser.add_argument("--format", default="parquet", choices=["csv", "parquet"])
    parser.add_argument("--out", type=Path, help="folder of the generated export (default data/bench_<tier>_<format>)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--build", action="store_true", help="run every phase (without it: generate only)")
    parser.add_argument("--phases", help=f"comma-separated phases to run, of {','.join(PHASES)}")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    try:
        phases = parse_phases(args.phases, args.build)
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))

    out = (args.out or ROOT / "data" / f"bench_{args.tier.lower()}_{args.format}").resolve()
    report = Report(args.tier, args.format, args.seed, machine_facts())
    bench = Bench(out, out.with_name(out.name + ".bench"), args.tier, args.format, args.seed, report)
    bench.work.mkdir(parents=True, exist_ok=True)
    ok = phase_generate(bench, "generate" in phases)
    steps = {"full": phase_full, "append": phase_append, "incremental": phase_incremental, "floor": phase_floor}
    for name in phases:
        if ok and name in steps and not steps[name](bench):
            report.failed = True
    print(render(report))
    if args.json:
        figures = asdict(report)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if ok and not report.failed else 1


if __name__ == "__main__":
    raise SystemExit(main())
