"""Documentation conventions of STYLE.md, checked on the manifest of `dbt parse` (no build).

- Every macro and generic test of the project is described in macros/_macros.yml,
  with each argument of its signature listed in order, typed and described.
- A column description shared by models lives once in a doc block
  (models/docs/columns.md): a rendered description used by two or more model
  columns must come from a doc block in every one of them.
- One models yml per folder: every model is documented by a yml in its own folder,
  and no folder has two ymls documenting models.
- Unit test names fit a PostgreSQL identifier (63 bytes).
"""

from __future__ import annotations

import collections
import json
import re
from pathlib import Path, PurePosixPath

import pytest
import yaml

from conftest import ROOT, run_dbt

PROJECT = "crm_warehouse"
SIGNATURE = re.compile(r"\{%-?\s*(?:macro|test)\s+(\w+)\s*\((.*?)\)\s*-?%\}", re.S)


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("docs_parse")
    run = run_dbt(["parse"], work / "target", {"CRM_TARGET": "duckdb", "CRM_DUCKDB_PATH": str(work / "crm.duckdb")})
    assert run.returncode == 0, "dbt parse failed:\n" + run.tail()
    return json.loads((work / "target" / "manifest.json").read_text())


def signature_arguments(macro_sql: str) -> list[str]:
    """Argument names of a macro or test block, in order, defaults dropped."""
    match = SIGNATURE.search(macro_sql)
    assert match, macro_sql[:200]
    return [part.split("=")[0].strip() for part in match.group(2).split(",") if part.strip()]


def test_signature_arguments() -> None:
    assert signature_arguments("{% macro clean_text(column, mask_pii=false) -%} x") == ["column", "mask_pii"]
    assert signature_arguments("{% test values_between(model, column_name, min_value, max_value) %}") == [
        "model",
        "column_name",
        "min_value",
        "max_value",
    ]
    assert signature_arguments("{% macro pii_salt() -%}") == []


def project_macros(manifest: dict) -> list[dict]:
    return [macro for macro in manifest["macros"].values() if macro["package_name"] == PROJECT]


def test_every_macro_is_documented_with_its_arguments(manifest: dict) -> None:
    macros = project_macros(manifest)
    # the project's own macro files and generic tests (counted by hand: 62 macros + 6 tests on 416a4a5)
    assert len(macros) >= 60
    problems = []
    for macro in sorted(macros, key=lambda macro: macro["name"]):
        name = macro["name"]
        if not macro["description"].strip():
            problems.append(f"{name}: no description in macros/_macros.yml")
            continue
        expected = signature_arguments(macro["macro_sql"])
        documented = [argument["name"] for argument in macro["arguments"]]
        if documented != expected:
            problems.append(f"{name}: arguments documented {documented}, signature {expected}")
        for argument in macro["arguments"]:
            if not (argument.get("type") or "").strip() or not argument["description"].strip():
                problems.append(f"{name}({argument['name']}): type or description missing")
    assert not problems, "\n".join(problems)


def test_macro_docs_name_existing_macros(manifest: dict) -> None:
    """dbt only warns about a properties entry for a macro that does not exist: here it fails."""
    entries = yaml.safe_load((ROOT / "macros" / "_macros.yml").read_text())["macros"]
    names = [entry["name"] for entry in entries]
    existing = {macro["name"] for macro in project_macros(manifest)}
    assert sorted(set(names) - existing) == []
    assert [name for name, count in collections.Counter(names).items() if count > 1] == []


def test_shared_column_descriptions_come_from_doc_blocks(manifest: dict) -> None:
    uses: dict[str, list[tuple[str, str, bool]]] = collections.defaultdict(list)
    for node in manifest["nodes"].values():
        if node["resource_type"] not in ("model", "snapshot") or node["package_name"] != PROJECT:
            continue
        for column in node["columns"].values():
            text = column["description"].strip()
            if text:
                uses[text].append((node["name"], column["name"], bool(column.get("doc_blocks"))))
    assert sum(len(where) for where in uses.values()) > 500
    copies = {
        text: sorted(f"{model}.{column}" for model, column, from_doc in where if not from_doc)
        for text, where in uses.items()
        if len(where) >= 2 and not all(from_doc for _, _, from_doc in where)
    }
    assert not copies, (
        f"{len(copies)} column descriptions are written out in several places; move them to a doc block"
        " in models/docs/columns.md (python -m crmwh.shared_docs --write):\n"
        + "\n".join(f"{where}: {text[:80]}" for text, where in sorted(copies.items()))
    )


def test_one_models_yml_per_folder(manifest: dict) -> None:
    ymls_by_folder: dict[PurePosixPath, set[str]] = collections.defaultdict(set)
    elsewhere = []
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model" or node["package_name"] != PROJECT:
            continue
        assert node["patch_path"], f"{node['name']} has no yml"
        yml = PurePosixPath(node["patch_path"].split("://", 1)[1])
        folder = PurePosixPath(node["original_file_path"]).parent
        ymls_by_folder[yml.parent].add(yml.name)
        if yml.parent != folder:
            elsewhere.append(f"{node['name']} ({folder}) is documented in {yml}")
    assert elsewhere == []
    assert {str(folder): names for folder, names in ymls_by_folder.items() if len(names) > 1} == {}
    assert all(Path(ROOT, folder).is_dir() for folder in ymls_by_folder)


def test_unit_test_names_fit_a_postgresql_identifier(manifest: dict) -> None:
    """dbt builds each unit test's fixture as a relation named after the test: PostgreSQL refuses a name longer
    than 63 bytes, so the whole unit test errors there (and skips its model and everything downstream)."""
    too_long = sorted(
        node["name"]
        for node in manifest["unit_tests"].values()
        if node["package_name"] == PROJECT and len(node["name"].encode()) > 63
    )
    assert too_long == []
