"""Lint: ruff on the Python, sqlfluff on the SQL, and the contract-rendered yml up to date."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(*command: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=900, env={**os.environ, **(env or {})}
    )


def test_ruff_check() -> None:
    proc = _run(str(BIN / "ruff"), "check", "scripts", "tests/python")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format() -> None:
    proc = _run(str(BIN / "ruff"), "format", "--check", "scripts", "tests/python")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_sqlfluff_lint(tmp_path: Path) -> None:
    # the dbt templater opens the target database: give it a scratch DuckDB file, never the served one
    env = {"CRM_TARGET": "duckdb", "CRM_DUCKDB_PATH": str(tmp_path / "lint.duckdb")}
    paths = [
        path for path in ("models", "macros", "tests/generic", "tests/singular", "analyses") if (ROOT / path).exists()
    ]
    # two processes on an otherwise idle machine; one under pytest-xdist, where another worker keeps the
    # second core busy (a second sqlfluff process re-renders the dbt project: a third more CPU in all)
    processes = "1" if os.environ.get("PYTEST_XDIST_WORKER") else "2"
    proc = _run(str(BIN / "sqlfluff"), "lint", "--processes", processes, *paths, env=env)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]


def test_contract_yml_is_rendered() -> None:
    proc = _run(sys.executable, "-m", "crmwh.render_yml", "--check")
    assert proc.returncode == 0, proc.stderr
