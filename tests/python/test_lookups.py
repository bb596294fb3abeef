"""The lookup seeds agree with what the generator writes, so staging maps every synonym it may meet."""

from __future__ import annotations

import csv

from crmwh.gen_vocab import CANONICAL, SYNONYMS, UNKNOWN_VALUES
from oracle import LOOKUPS, label


def _lookup() -> dict[tuple[str, str], str]:
    with (LOOKUPS / "category_synonyms.csv").open(encoding="utf-8") as handle:
        return {(row["domain"], label(row["synonym"]) or ""): row["canonical_value"] for row in csv.DictReader(handle)}


def test_every_generated_synonym_maps_to_its_canonical_value() -> None:
    lookup = _lookup()
    missing = [
        (domain, synonym, canonical)
        for domain, values in SYNONYMS.items()
        for canonical, by_language in values.items()
        for synonyms in by_language.values()
        for synonym in synonyms
        if lookup.get((domain, label(synonym) or "")) != canonical
    ]
    assert not missing, missing[:20]


def test_every_canonical_value_maps_to_itself() -> None:
    lookup = _lookup()
    for domain, values in CANONICAL.items():
        for value in values:
            assert lookup.get((domain, value)) == value, (domain, value)


def test_unknown_values_are_not_mapped() -> None:
    lookup = _lookup()
    mapped = [
        (domain, value)
        for domain, values in UNKNOWN_VALUES.items()
        for value in values
        if (domain, label(value)) in lookup
    ]
    assert not mapped, mapped


def test_rejection_reasons_seed_matches_contract() -> None:
    from crmwh.contract import REJECTION_REASONS

    with (LOOKUPS / "rejection_reasons.csv").open(encoding="utf-8") as handle:
        seeded = {row["reason_code"]: row["description"] for row in csv.DictReader(handle)}
    assert seeded == REJECTION_REASONS
