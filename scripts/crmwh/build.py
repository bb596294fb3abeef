"""Build the whole warehouse on the embedded DuckDB default.

``python -m crmwh.build`` (what ``make build`` runs):

1. runs ``dbt build`` (seeds, models, data tests, unit tests) into a fresh
   DuckDB file ``warehouse/build-<timestamp>.duckdb``, so a BI reader holding
   the served file never blocks the build;
2. when the build passes, checkpoints the new file and atomically renames it
   over the served file ``warehouse/crm.duckdb`` (readers that hold the old
   file keep their snapshot; new connections see the new build);
3. prints where the warehouse is and how to query it.

A failed build leaves the served file as it was. With CRM_RAW_DIR set, the raw
exports are read in place from that folder (CSV, or Parquet with
CRM_RAW_FORMAT=parquet) and the demo seeds in seeds/raw are not loaded.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SERVED = ROOT / "warehouse" / "crm.duckdb"


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(args: list[str], env: dict[str, str]) -> int:
    command = [dbt_executable(), *args, "--project-dir", str(ROOT), "--profiles-dir", str(ROOT)]
    print("$ " + " ".join(command), flush=True)
    return subprocess.run(command, env=env, cwd=ROOT, check=False).returncode


def build(served: Path, extra_dbt_args: list[str]) -> int:
    served.parent.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    fresh = served.with_name(f"build-{stamp}-{os.getpid()}.duckdb")
    env = dict(os.environ, CRM_TARGET="duckdb", CRM_DUCKDB_PATH=str(fresh))
    dbt_args = ["build", *extra_dbt_args]
    if env.get("CRM_RAW_DIR", "").strip():
        # raw tables are read in place: the demo seeds are not needed, and the
        # unit tests (which mock the seeds) belong to the demo build
        dbt_args += ["--exclude", "path:seeds/raw", "test_type:unit"]
    code = run_dbt(dbt_args, env)
    if code != 0:
        for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
            leftover.unlink(missing_ok=True)
        print(f"\ndbt build failed (exit {code}); the served warehouse {served} was left as it was.", file=sys.stderr)
        return code
    # fold the write-ahead log into the file so one file is the whole build
    with duckdb.connect(str(fresh)) as con:
        con.execute("checkpoint")
    os.replace(fresh, served)
    print(
        f"\nWarehouse built: {served}\n"
        "Query it read-only, e.g.:\n"
        f'  {Path(sys.executable).parent / "python"} -c "import duckdb; '
        f"print(duckdb.connect('{served}', read_only=True).sql('select * from marts.fct_orders limit 5'))\"\n"
        f'  or: duckdb -readonly {served} "select count(*) from marts.dim_customers"'
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--served",
        type=Path,
        default=Path(os.environ.get("CRM_SERVED_PATH", DEFAULT_SERVED)),
        help="the served DuckDB file (default warehouse/crm.duckdb or $CRM_SERVED_PATH)",
    )
    parser.add_argument("dbt_args", nargs="*", help="extra arguments passed to dbt build (after --)")
    args = parser.parse_args(argv)
    return build(args.served.resolve(), args.dbt_args)


if __name__ == "__main__":
    raise SystemExit(main())
