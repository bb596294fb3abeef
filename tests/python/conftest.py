"""Shared fixtures: run dbt against the demo seeds once per test session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS_RAW = ROOT / "seeds" / "raw"


@dataclass
class DbtRun:
    returncode: int
    output: str
    target_path: Path
    earlier: tuple[Path, ...] = ()  # target paths of earlier steps (the `dbt seed` of run_dbt_seeded)

    def results(self) -> list[dict]:
        found = []
        for folder in (*self.earlier, self.target_path):
            path = folder / "run_results.json"
            found += json.loads(path.read_text())["results"] if path.exists() else []
        return found

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def dbt_bin() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(args: list[str], target_path: Path, env: dict[str, str] | None = None, timeout: int = 1800) -> DbtRun:
    """Run dbt in the project with its own target/log folders so runs never clobber each other."""
    full_env = dict(os.environ)
    full_env.pop("CRM_RAW_DIR", None)
    full_env.update(env or {})
    command = [
        dbt_bin(),
        *args,
        "--project-dir",
        str(ROOT),
        "--profiles-dir",
        str(ROOT),
        "--target-path",
        str(target_path),
        "--log-path",
        str(target_path / "logs"),
    ]
    proc = subprocess.run(command, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout, check=False)
    return DbtRun(proc.returncode, proc.stdout + proc.stderr, target_path)


def run_dbt_seeded(args: list[str], target_path: Path, env: dict[str, str] | None = None) -> DbtRun:
    """As the build command: `dbt seed` of the demo exports (seeds/raw, the source raw), then dbt args without them.

    The models read the raw exports as source('raw', ...), so dbt does not order the seeds before them.
    """
    seed_target = target_path.with_name(target_path.name + "_seed")
    seeded = run_dbt(["seed", "--select", "path:seeds/raw"], seed_target, env)
    if seeded.returncode != 0:
        return seeded
    run = run_dbt([*args, "--exclude", "path:seeds/raw"], target_path, env)
    return DbtRun(run.returncode, seeded.output + run.output, run.target_path, (seed_target,))


@pytest.fixture(scope="session")
def duckdb_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[DbtRun, Path]:
    """`dbt seed` of the demo exports, then `dbt build` of the whole project, into a fresh DuckDB file."""
    work = tmp_path_factory.mktemp("duckdb_build")
    database = work / "crm.duckdb"
    run = run_dbt_seeded(["build"], work / "target", {"CRM_TARGET": "duckdb", "CRM_DUCKDB_PATH": str(database)})
    return run, database


@pytest.fixture(scope="session")
def warehouse(duckdb_build: tuple[DbtRun, Path]) -> Path:
    """The DuckDB file of a successful demo build (the test fails if the build did not pass)."""
    run, database = duckdb_build
    assert run.returncode == 0, "dbt build on DuckDB failed:\n" + run.tail()
    return database
