"""What a new option costs: one catalog entry and one folder. A throwaway API type is added to
a copy of the catalog, with one layer of its own in a folder beside the templates; no existing
layer.yaml or rule is edited, and the stack that chooses it gets every layer the other API
types share, the catalog's rules, and a rendered project."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from generator import templating
from generator.catalog import CATALOG_PATH, parse_catalog
from generator.errors import IncompatibleChoices
from generator.layers import STAGES, discover_layers, select_layers, templates_root
from generator.render import plan_parts
from generator.stack import resolve

SOAP = {"id": "soap", "label": "SOAP (WSDL)", "help": "A throwaway API type for this test."}


@pytest.fixture(scope="module")
def catalog():
    raw = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    raw = copy.deepcopy(raw)
    next(c for c in raw["choices"] if c["id"] == "api")["options"].append(SOAP)
    return parse_catalog(raw)


@pytest.fixture(scope="module")
def soap_layers(tmp_path_factory, catalog):
    root = tmp_path_factory.mktemp("extra")
    layer = root / "shared" / "soap"
    (layer / "files" / "app" / "api").mkdir(parents=True)
    (layer / "layer.yaml").write_text("stage: api\nwhen:\n  api: soap\n", encoding="utf-8")
    (layer / "files" / "app" / "api" / "soap.py").write_text(
        'API = "{{ cookiecutter.api }}"\n', encoding="utf-8"
    )
    return discover_layers(root, catalog)


def _stack(catalog, **choices):
    return resolve(catalog, flags={"name": "Orders", **choices}, no_input=True)


@pytest.mark.parametrize("language", ["python", "typescript"])
@pytest.mark.parametrize("architecture", ["monolith", "modular-monolith", "hexagonal"])
def test_a_new_api_type_gets_every_layer_the_others_share(
    catalog, soap_layers, language, architecture
) -> None:
    existing = discover_layers(templates_root(), catalog)
    every = tuple(
        sorted((*existing, *soap_layers), key=lambda la: (STAGES.index(la.stage), la.name))
    )
    chosen = {
        la.name
        for la in select_layers(
            every, _stack(catalog, language=language, architecture=architecture, api="soap")
        )
    }
    assert "shared/soap" in chosen
    # A layer of one API type names it alone; every other layer a stack of another API type
    # gets must apply to the new one too (a list of API types restated in a layer would not).
    for other in ("rest", "jsonapi", "xml", "graphql", "grpc"):
        theirs = {
            la.name
            for la in select_layers(
                existing, _stack(catalog, language=language, architecture=architecture, api=other)
            )
        }
        owned = {la.name for la in existing if la.when.get("api") == (other,)}
        shared = theirs - owned - {la.name for la in existing if "api" in la.unless}
        assert shared <= chosen, (
            f"{other}: {sorted(shared - chosen)} do not apply to a new API type"
        )


def test_the_rules_that_spare_an_api_type_refuse_the_new_one(catalog) -> None:
    with pytest.raises(IncompatibleChoices, match="written against the REST API"):
        _stack(catalog, api="soap", database=["sqlite", "redis"])


def test_the_new_api_type_renders(catalog, soap_layers, tmp_path: Path) -> None:
    stack = _stack(catalog, api="soap")
    existing = discover_layers(templates_root(), catalog)
    every = tuple(
        sorted((*existing, *soap_layers), key=lambda la: (STAGES.index(la.stage), la.name))
    )
    (part,) = plan_parts(stack, catalog, every)
    templating.write_project(part.layers, part.context, tmp_path / "p")
    assert (tmp_path / "p" / "app" / "api" / "soap.py").read_text() == 'API = "soap"\n'
    assert (tmp_path / "p" / "app" / "main.py").is_file()
