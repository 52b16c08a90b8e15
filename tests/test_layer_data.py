"""The data layers contribute is declared (generator/data.yaml): every key with its shape,
owner and merge rule. An undeclared key, a value of another shape, or two layers giving one
scalar different values fails with a message naming the layers."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest
import yaml

from generator.catalog import default_catalog
from generator.errors import CatalogError
from generator.layers import declared_data, discover_layers, merge_contributions, templates_root

CATALOG = default_catalog()


def _layers(root: Path, **layers: str):
    for name, text in layers.items():
        (root / "shared" / name).mkdir(parents=True)
        (root / "shared" / name / "layer.yaml").write_text(text, encoding="utf-8")
    return discover_layers(root, CATALOG)


def test_an_undeclared_key_is_refused_naming_the_layer(tmp_path) -> None:
    with pytest.raises(CatalogError, match="layer shared/x: contributes 'colour', which"):
        _layers(tmp_path, x="stage: base\ncontributes:\n  colour: red\n")


def test_a_value_of_another_shape_is_refused(tmp_path) -> None:
    with pytest.raises(CatalogError, match="layer shared/x: 'readme' must be a list"):
        _layers(tmp_path, x="stage: base\ncontributes:\n  readme: intro.md\n")


def test_two_layers_giving_one_scalar_two_values_are_both_named(tmp_path) -> None:
    layers = _layers(
        tmp_path,
        a="stage: base\ncontributes:\n  next_step: make test\n  container: {port: 80}\n",
        b="stage: base\ncontributes:\n  next_step: make test\n  container: {port: 81}\n",
    )
    with pytest.raises(
        CatalogError, match=r"layers shared/a and shared/b disagree on 'data\.container\.port'"
    ):
        merge_contributions(layers)


def test_lists_and_mappings_merge_as_declared(tmp_path) -> None:
    layers = _layers(
        tmp_path,
        a="stage: base\ncontributes:\n  readme: [a.md]\n  env: {A: {value: '1'}}\n",
        b="stage: language\ncontributes:\n  readme: [b.md, a.md]\n  env: {B: {value: '2'}}\n",
    )
    merged = merge_contributions(layers)
    assert merged["readme"] == ["a.md", "b.md"]
    assert merged["env"] == {"A": {"value": "1"}, "B": {"value": "2"}}


def test_every_declared_key_is_used_and_owned_by_a_layer() -> None:
    names = {la.name for la in discover_layers(templates_root(), CATALOG)}
    contributed = set()
    for path in glob.glob(str(templates_root() / "**" / "layer.yaml"), recursive=True):
        contributed |= set((yaml.safe_load(Path(path).read_text()) or {}).get("contributes") or {})
    for key in declared_data().values():
        assert key.owner in names, f"{key.name}: owner {key.owner} is not a layer"
        assert key.name in contributed, f"{key.name} is declared but no layer contributes it"
