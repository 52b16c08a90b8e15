"""The npm lockfiles the TypeScript layers ship must match the package.json stackgen renders
beside them, for every TypeScript combination; `npm ci` refuses a mismatch, so a stale
lockfile would break every generated project's install. Fix with scripts/lock_npm.py."""

import json

import pytest

from generator.catalog import default_catalog
from generator.matrix import all_stacks, describe
from generator.render import render

CATALOG = default_catalog()
TS_STACKS = [s for s in all_stacks(CATALOG) if s.selections["language"] == ("typescript",)]


def test_there_are_typescript_stacks() -> None:
    assert TS_STACKS


@pytest.mark.parametrize("stack", TS_STACKS, ids=describe)
def test_the_lockfile_matches_package_json(stack, tmp_path) -> None:
    project = tmp_path / "p"
    render(stack, CATALOG, project)
    package = json.loads((project / "package.json").read_text())
    lock = json.loads((project / "package-lock.json").read_text())
    root = lock["packages"][""]
    assert lock["name"] == root["name"] == package["name"]
    for field in ("dependencies", "devDependencies"):
        assert root.get(field, {}) == package.get(field, {}), (
            f"{field} in package-lock.json is stale: run scripts/lock_npm.py"
        )
    # Every dependency is resolved in the lockfile, not only declared.
    for name in [*package["dependencies"], *package["devDependencies"]]:
        assert f"node_modules/{name}" in lock["packages"], name
