"""Module boundaries, checked on every test run from the real import graph (Python's own
parser): code outside a module may import its package (``app.modules.items``), never what is
inside it (``app.modules.items.service``)."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"


def module_of(name: str) -> str | None:
    """``app.modules.items.service`` -> ``items``; None outside app.modules."""
    parts = name.split(".")
    return parts[2] if parts[:2] == ["app", "modules"] and len(parts) > 2 else None


def violations(source: str, importer: str) -> list[str]:
    """Imports in ``source`` (the module ``importer``) that reach into another module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        for name in names:
            target = module_of(name)
            internal = target is not None and len(name.split(".")) > 3
            if internal and target != module_of(importer):
                found.append(f"{importer} imports {name}")
    return found


def test_modules_use_each_other_through_their_public_interface_only() -> None:
    found = []
    for path in sorted(APP.rglob("*.py")):
        dotted = ".".join(path.relative_to(APP.parent).with_suffix("").parts)
        found += violations(path.read_text(encoding="utf-8"), dotted)
    assert found == []


def test_the_check_sees_a_reach_into_another_module() -> None:
    reach_in = "from app.modules.items.service import ItemService\nimport app.modules.items.service"
    assert len(violations(reach_in, "app.modules.reports.service")) == 2
    assert violations(reach_in, "app.modules.items.other") == []
    assert violations("from app.modules.items import ItemService", "app.api.deps") == []
