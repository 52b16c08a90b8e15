"""generator/reserved_names.txt holds every package name a generated project depends on, so a
project is never named like its own dependency (uv: "the name is shadowed by your project")."""

import json
from pathlib import Path

import yaml

from generator.stack import reserved_names
from scripts.reserved_names import LOCKFILES, normalise

ROOT = Path(__file__).resolve().parent.parent


def test_every_direct_dependency_is_reserved() -> None:
    versions = yaml.safe_load((ROOT / "generator" / "versions.yaml").read_text())
    names = {normalise(n) for n in versions["pypi"]} | {
        n for n in versions["npm"] if not n.startswith("@")
    }
    missing = sorted(names - reserved_names())
    assert missing == [], f"run scripts/reserved_names.py; missing: {missing[:10]}"


def test_every_locked_npm_package_is_reserved() -> None:
    locked: set[str] = set()
    for lock in LOCKFILES.glob("npm-lock-*.json"):
        for key in json.loads(lock.read_text())["packages"]:
            name = key.rsplit("node_modules/", 1)[-1]
            if key and not name.startswith("@"):
                locked.add(normalise(name))
    missing = sorted(locked - reserved_names())
    assert missing == [], f"run scripts/reserved_names.py; missing: {missing[:10]}"


def test_transitive_python_dependencies_are_reserved() -> None:
    # Resolved from PyPI when the file was written; these come only through fastapi.
    assert {"starlette", "anyio", "pydantic-core", "typing-extensions"} <= reserved_names()
