"""The lockfiles the language layers ship must match the manifest stackgen renders beside them,
for every combination: `npm ci` and `uv sync --locked` refuse a mismatch, so a stale lockfile
would break every generated project's install. Fix with scripts/lock_npm.py or
scripts/lock_uv.py.

A layer ships one lockfile per set of stores and API type (`lock_key`), included by that name.
So the first test shows, for every stack, that its dependency lists follow from that key; the
others then render one stack per lockfile, each under one of the hostile names, and check the
lockfile against the manifest rendered beside it."""

import json
import subprocess
import sys
import tomllib
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from generator.catalog import default_catalog
from generator.matrix import all_stacks, describe
from generator.render import plan, render, units_of
from generator.stack import Stack, check_name
from scripts import lock_npm, lock_uv
from scripts.lockfiles import lock_key
from tests.hostile import HOSTILE

CATALOG = default_catalog()
UV = Path(sys.executable).parent / "uv"
# language -> (its lockfile partials, their names, the dependency lists its manifest renders)
LAYERS = {
    "python": (lock_uv.LOCKS, lock_uv.lock_name, ("pypi", "pypi-dev")),
    "typescript": (lock_npm.LOCKS, lock_npm.lock_name, ("npm", "npm-dev")),
}
STACKS = {
    language: [s for s in all_stacks(CATALOG) if s.selections["language"] == (language,)]
    for language in LAYERS
}


def _key(stack: Stack) -> str:
    return lock_key(stack.selections, units_of(stack, CATALOG)[0].kind)


def _dependencies(stack: Stack) -> list[Any]:
    """What the manifest lists (pyproject.toml and package.json render these lists as they
    are; the tests below read them back from the rendered files)."""
    deps = plan(stack, CATALOG)[1]["data"]["dependencies"]
    return [deps[key] for key in LAYERS[stack.selections["language"][0]][2]]


@pytest.mark.parametrize("language", LAYERS)
def test_dependencies_differ_only_by_stores_and_api(language) -> None:
    """So one lockfile per set of stores, API type and unit kind serves every stack of the
    language."""
    locks, lock_name, _ = LAYERS[language]
    assert STACKS[language]
    seen: dict[str, set[str]] = defaultdict(set)
    for stack in STACKS[language]:
        seen[_key(stack)].add(json.dumps(_dependencies(stack)))
    assert not [key for key, lists in seen.items() if len(lists) > 1]
    on_disk = {p.name for p in locks.iterdir()}
    assert on_disk == {lock_name(key) for key in seen}, f"run scripts/lock_*.py for {language}"


def _one_per_lockfile(language: str) -> list[Stack]:
    """A stack per lockfile, each under one of the hostile names (its slug is the name the
    manifest and the lockfile carry)."""
    stacks = {_key(s): s for s in STACKS[language]}.values()
    named = []
    for i, stack in enumerate(stacks):
        name, description = HOSTILE[i % len(HOSTILE)]
        named.append(replace(stack, name=name, slug=check_name(name)[1], description=description))
    return named


@pytest.mark.parametrize("language", LAYERS)
def test_every_hostile_name_names_a_locked_project(language) -> None:
    assert len(_one_per_lockfile(language)) >= len(HOSTILE)


@pytest.mark.parametrize("stack", _one_per_lockfile("typescript"), ids=describe)
def test_the_lockfile_matches_package_json(stack, tmp_path) -> None:
    project = tmp_path / "p"
    render(stack, CATALOG, project)
    package = json.loads((project / "package.json").read_text())
    lock = json.loads((project / "package-lock.json").read_text())
    assert [
        [{"name": k, "version": v} for k, v in package[field].items()]
        for field in ("dependencies", "devDependencies")
    ] == _dependencies(stack)
    root = lock["packages"][""]
    assert lock["name"] == root["name"] == package["name"] == stack.slug
    for field in ("dependencies", "devDependencies"):
        assert root.get(field, {}) == package.get(field, {}), (
            f"{field} in package-lock.json is stale: run scripts/lock_npm.py"
        )
    # Every dependency is resolved in the lockfile, not only declared.
    for name in [*package["dependencies"], *package["devDependencies"]]:
        assert f"node_modules/{name}" in lock["packages"], name


def _requirement(entry: dict[str, Any]) -> tuple[object, ...]:
    """A requirement as uv.lock records it (name, extras, specifier, marker)."""
    return (
        canonicalize_name(entry["name"]),
        tuple(sorted(entry.get("extras", []))),
        SpecifierSet(entry.get("specifier", "")),
        entry.get("marker", ""),
    )


def _required(text: str) -> tuple[object, ...]:
    """A requirement as pyproject.toml writes it, in uv.lock's terms."""
    req = Requirement(text)
    return (
        canonicalize_name(req.name),
        tuple(sorted(req.extras)),
        req.specifier,
        str(req.marker or ""),
    )


@pytest.mark.parametrize("stack", _one_per_lockfile("python"), ids=describe)
def test_the_uv_lock_matches_pyproject(stack, tmp_path) -> None:
    project = tmp_path / "p"
    render(stack, CATALOG, project)
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    dependencies = pyproject["project"]["dependencies"]
    dev = pyproject["dependency-groups"]["dev"]
    assert [dependencies, dev] == _dependencies(stack)
    text = (project / "uv.lock").read_text(encoding="utf-8")
    partial = lock_uv.LOCKS / lock_uv.lock_name(_key(stack))
    # The partial as it is, but for the project's own name: its slug, as pyproject has it.
    own = lock_uv.root_entry(stack.slug)
    assert text == partial.read_text(encoding="utf-8").replace(
        lock_uv.root_entry(lock_uv.SLUG), own
    )
    assert pyproject["project"]["name"] == stack.slug

    lock = tomllib.loads(text)
    assert lock["requires-python"] == pyproject["project"]["requires-python"]
    (root,) = [p for p in lock["package"] if p["source"] == {"virtual": "."}]
    assert root["name"] == pyproject["project"]["name"]
    stale = "uv.lock is stale: run scripts/lock_uv.py"
    requires = root["metadata"]
    assert sorted(map(_requirement, requires["requires-dist"])) == sorted(
        map(_required, dependencies)
    ), stale
    assert sorted(map(_requirement, requires["requires-dev"]["dev"])) == sorted(
        map(_required, dev)
    ), stale
    # Every dependency is resolved, and from PyPI (the project names no other index).
    resolved = {p["name"] for p in lock["package"]}
    assert {_required(d)[0] for d in [*dependencies, *dev]} <= resolved
    assert {p["source"].get("registry", lock_uv.PYPI) for p in lock["package"]} == {lock_uv.PYPI}
    # uv's own verdict, from the lockfile alone (no index is read).
    check = subprocess.run(
        [UV, "lock", "--locked", "--offline"], cwd=project, capture_output=True, text=True
    )
    assert check.returncode == 0, f"{stale}\n{check.stderr}"
