"""Every combination the catalog offers renders the tree recorded in tests/tree-hashes.json.

A refactoring of the generator must keep them all; a deliberate change of output is recorded
with scripts/tree_hashes.py --update in the same commit."""

from __future__ import annotations

import pytest

from generator.catalog import default_catalog
from generator.matrix import all_stacks, describe
from tests import trees

CATALOG = default_catalog()
STACKS = all_stacks(CATALOG)
PARTS = 4


def test_the_recorded_combinations_are_the_offered_ones() -> None:
    offered = {describe(s) for s in STACKS}
    recorded = set(trees.recorded())
    assert sorted(offered - recorded) == [], "offered but not recorded (scripts/tree_hashes.py)"
    assert sorted(recorded - offered) == [], "recorded but no longer offered"


@pytest.mark.parametrize("part", range(PARTS))
def test_every_combination_renders_its_recorded_tree(part: int) -> None:
    recorded = trees.recorded()
    changed = [
        describe(stack)
        for stack in STACKS[part::PARTS]
        if describe(stack) in recorded
        and trees.stack_digest(stack, CATALOG) != recorded[describe(stack)]
    ]
    assert changed == [], (
        f"{len(changed)} combinations render another tree than recorded (first: {changed[:5]}); "
        "if that is meant, record it with scripts/tree_hashes.py --update and say why"
    )


def test_a_changed_byte_changes_the_digest(tmp_path) -> None:
    (tmp_path / "a").write_text("x")
    before = trees.tree_digest(tmp_path)
    (tmp_path / "a").write_text("y")
    assert trees.tree_digest(tmp_path) != before
    (tmp_path / "a").chmod(0o755)
    changed_mode = trees.tree_digest(tmp_path)
    (tmp_path / "a").chmod(0o644)
    assert trees.tree_digest(tmp_path) != changed_mode
