"""Benchmark the generator (and optionally the in-place build) and print the figures.

``python -m crmwh.benchmark --tier L --format parquet --out data/bench_l`` runs
``crm-generate`` in a child process and prints wall time, peak memory (max RSS of
the child), rows and bytes written per table. ``--build`` then runs the warehouse
build on those files read in place (CRM_RAW_DIR) and prints its time too. The
targets (tier L generated in under 5 minutes on 2 cores) are checked here, by a
person reading figures, never in timed tests.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_child(command: list[str], env: dict[str, str] | None = None) -> tuple[int, float, float]:
    """Run a command; return its exit code, wall seconds and the peak RSS (GiB) of children so far."""
    start = time.perf_counter()
    code = subprocess.run(command, cwd=ROOT, env={**os.environ, **(env or {})}, check=False).returncode
    seconds = time.perf_counter() - start
    peak_gib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
    return code, seconds, peak_gib


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tier", default="M", help="generator tier (demo, M, L)")
    parser.add_argument("--format", default="parquet", choices=["csv", "parquet"])
    parser.add_argument("--out", type=Path, required=True, help="folder for the generated files")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--build", action="store_true", help="also build the warehouse from the files in place")
    args = parser.parse_args(argv)

    out = args.out.resolve()
    command = [sys.executable, "-m", "crmwh.generate", "--tier", args.tier, "--seed", str(args.seed)]
    command += ["--format", args.format, "--out", str(out)]
    code, seconds, peak = run_child(command)
    if code != 0:
        print(f"generator failed with exit {code}", file=sys.stderr)
        return code
    truth = json.loads((out / "_meta" / "truth.json").read_text())
    total_bytes = sum(path.stat().st_size for path in out.glob(f"raw_*.{args.format}"))
    print(
        f"generate tier {args.tier} ({args.format}): {seconds:,.1f} s, peak RSS {peak:,.2f} GiB, {total_bytes / 2**30:,.2f} GiB"
    )
    for table, rows in sorted((truth.get("row_counts") or {}).items()):
        print(f"  {table:<28} {rows:>14,} rows")
    if args.build:
        served = out.parent / f"{out.name}.duckdb"
        env = {"CRM_RAW_DIR": str(out), "CRM_RAW_FORMAT": args.format}
        code, seconds, peak = run_child([sys.executable, "-m", "crmwh.build", "--served", str(served)], env)
        print(f"build from files in place: exit {code}, {seconds:,.1f} s, peak RSS (all children) {peak:,.2f} GiB")
        return code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
