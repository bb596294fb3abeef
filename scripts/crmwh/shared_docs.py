"""Keep column descriptions that several models share in one doc block each.

``python -m crmwh.shared_docs`` lists the column descriptions of the model and
snapshot yml files (``models/**/_*.yml`` except the sources yml rendered by
``crmwh.render_yml``, ``snapshots/**/*.yml``) that are written out more than once, or that copy the text
of a block of ``models/docs/columns.md``; ``--write`` moves each into a
``{% docs col_<...> %}`` block there and replaces every copy by
``description: "{{ doc('col_<...>') }}"``. Only those description lines change
(a folded description becomes one line); every other line of the yml stays as
it is. Re-running it is safe: existing blocks keep their names.

Block names: ``col_<entity>__<column>`` when every model using the text is about
one entity (base_crm__orders, stg_crm__orders, fct_orders: ``orders``),
``col_<column>`` when it spans entities; NAMES overrides both. MERGE lists
near-identical texts of one concept that were merged (DECISIONLOG.md, "Macro and
column documentation"). tests/python/test_docs_conventions.py fails on a
description written out twice.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "models" / "docs" / "columns.md"
RENDERED = {"models/staging/crm/_crm__sources.yml"}

HEADER = """# Shared column descriptions

Column descriptions used by more than one model, referenced from the model yml with
`description: "{{ doc('col_<name>') }}"`. One block per concept; a new model whose column
means the same thing references the block instead of copying the text
(tests/python/test_docs_conventions.py fails on a copied description;
`python -m crmwh.shared_docs --write` moves copies here).
"""

# near-identical descriptions of one concept, merged into the text kept
MERGE = {
    "The customer who ordered.": "Customer who ordered.",
    "The rep credited with the order, if any.": "Rep credited with the order, if any.",
    "The order the line belongs to.": "Order the line belongs to.",
    "The product sold.": "Product ordered.",
}

# block names where the column name alone would be ambiguous
NAMES = {
    "Natural key, trimmed.": "col_natural_key_trimmed",
    "When it happened, UTC.": "col_happened_at",
    "Natural key of the event.": "col_event_id",
    "The natural key as exported, trimmed; null when it is missing.": "col_raw_key",
    "The parts of the composite natural key as exported, trimmed, joined with '|' (an empty part"
    " stays empty); null when every part is missing.": "col_raw_key_composite",
    "ISO 4217 currency of the amount.": "col_amount_currency_code",
    "Customer who ordered.": "col_orders__customer_id",
    "Rep credited with the order, if any.": "col_orders__sales_rep_id",
    "Salted SHA-256 of the normalised email (lower case, no spaces), taken from the phone column"
    " when the two are swapped; null when not an email.": "col_contact_email_hash",
    "Salted SHA-256 of the normalised email; the raw email never leaves staging.": "col_email_hash",
}

PREFIX = re.compile(r"^(base_crm__|stg_crm__|dim_|fct_|rpt_|int_)")
BLOCK = re.compile(r"\{% docs (\w+) %\}\n(.*?)\n\{% enddocs %\}", re.S)


def model_ymls(root: Path = ROOT) -> list[Path]:
    """The model and snapshot yml files whose descriptions are written by hand."""
    paths = [*root.glob("models/**/_*.yml"), *root.glob("snapshots/**/*.yml")]
    return sorted(path for path in paths if path.relative_to(root).as_posix() not in RENDERED)


def entity(model: str) -> str:
    name = PREFIX.sub("", model)
    return {"order_items_converted": "order_items"}.get(name, name)


def columns_of(path: Path) -> Iterator[tuple[str, str, yaml.Node, yaml.Node]]:
    """(model, column, description value node, description key node) of every model or snapshot column.

    A column reached through a YAML alias yields the same nodes once per model.
    """
    root = yaml.compose(path.read_text())
    for key, value in root.value:
        if key.value not in ("models", "snapshots"):
            continue
        for model in value.value:
            fields = {k.value: v for k, v in model.value}
            for column in fields["columns"].value if "columns" in fields else []:
                column_fields = {k.value: (k, v) for k, v in column.value}
                if "description" in column_fields:
                    description_key, description = column_fields["description"]
                    yield fields["name"].value, column_fields["name"][1].value, description, description_key


def text_of(node: yaml.Node) -> str:
    text = node.value.strip()
    return MERGE.get(text, text)


def read_blocks() -> dict[str, str]:
    """Existing blocks, name -> text."""
    return dict(BLOCK.findall(DOCS.read_text())) if DOCS.exists() else {}


def plan(files: list[Path], blocks: dict[str, str]) -> tuple[dict[str, list], dict[str, str]]:
    """Texts to move (text -> [(model, column)]) and the block name of each."""
    uses: dict[str, list] = collections.defaultdict(list)
    for path in files:
        for model, column, description, _ in columns_of(path):
            if "doc(" not in description.value:
                uses[text_of(description)].append((model, column))
    by_text = {text: name for name, text in blocks.items()}
    moved = {text: where for text, where in uses.items() if len(where) >= 2 or text in by_text}
    names = {}
    for text, where in moved.items():
        columns = {column for _, column in where}
        entities = {entity(model) for model, _ in where}
        if text in by_text:
            names[text] = by_text[text]
        elif text in NAMES:
            names[text] = NAMES[text]
        elif len(columns) == 1 and len(entities) == 1:
            names[text] = f"col_{entities.pop()}__{columns.pop()}"
        elif len(columns) == 1:
            names[text] = f"col_{columns.pop()}"
        else:
            raise SystemExit(f"name this shared description in NAMES ({sorted(where)}): {text}")
    clashes = {name for text, name in names.items() if blocks.get(name, text) != text}
    counts = collections.Counter(names.values())
    clashes |= {name for name, count in counts.items() if count > 1}
    if clashes:
        raise SystemExit(f"block names used for different texts, set them in NAMES: {sorted(clashes)}")
    return moved, names


def write(files: list[Path], blocks: dict[str, str], names: dict[str, str]) -> None:
    for path in files:
        lines = path.read_text().splitlines(keepends=True)
        edits = {}
        for _, _, description, description_key in columns_of(path):
            text = text_of(description)
            if text not in names or id(description) in edits or "doc(" in description.value:
                continue
            first = description_key.start_mark.line
            end = description.end_mark
            last = end.line if end.column > 0 else end.line - 1
            while not lines[last].strip():
                last -= 1
            if not lines[first].lstrip().startswith("description:"):
                raise SystemExit(f"{path}:{first + 1}: expected a description line")
            indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
            new = f"{indent}description: \"{{{{ doc('{names[text]}') }}}}\"\n"
            edits[id(description)] = (first, last, new)
        for first, last, new in sorted(edits.values(), reverse=True):
            lines[first : last + 1] = [new]
        path.write_text("".join(lines))
    merged = {**blocks, **{name: text for text, name in names.items()}}
    for name, text in merged.items():
        if "{{" in text or "{%" in text:
            raise SystemExit(f"{name}: a description with Jinja cannot become a doc block")
    body = "".join(f"\n{{% docs {name} %}}\n{merged[name]}\n{{% enddocs %}}\n" for name in sorted(merged))
    DOCS.parent.mkdir(exist_ok=True)
    DOCS.write_text(HEADER + body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="move the copies into doc blocks")
    args = parser.parse_args(argv)
    files = model_ymls()
    blocks = read_blocks()
    moved, names = plan(files, blocks)
    for text, name in sorted(names.items(), key=lambda item: item[1]):
        print(f"{len(moved[text]):3}  {name}  {text[:70]}")
    print(
        f"{sum(len(where) for where in moved.values())} column descriptions written out in place of {len(names)} doc blocks"
    )
    if args.write and names:
        write(files, blocks, names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
