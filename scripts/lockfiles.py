"""What scripts/lock_npm.py and scripts/lock_uv.py share: a language's stacks differ in their
packages only by their stores (--database) and API type (--api), so a language's lockfile
layer holds one lockfile per such pair the catalog allows, each made in a project rendered
for it and kept as a partial that the layer's lockfile template includes by the same name."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from generator.catalog import default_catalog
from generator.matrix import all_stacks
from generator.render import render, units_of
from generator.stack import Stack

ROOT = Path(__file__).resolve().parent.parent

# (the stack, its rendered project, the lockfile to start from or None) -> the partial's text
Lock = Callable[[Stack, Path, Path | None], str]


def lock_key(selections: Mapping[str, tuple[str, ...]], kind: str = "http-service") -> str:
    """A stack's stores, its API type unless REST, and its unit's kind unless an HTTP service
    (a function's host takes other packages): 'postgresql+redis', 'sqlite--xml',
    'dynamodb--function'. The layers' lockfile templates build the partial's name the same
    way."""
    api = selections["api"][0]
    key = "+".join(selections["database"]) + ("" if api == "rest" else "--" + api)
    return key + ("" if kind == "http-service" else "--" + kind)


def relock(language: str, locks: Path, name: Callable[[str], str], lock: Lock) -> None:
    """Write the partial ``name(key)`` into ``locks`` for every key of ``language``'s stacks
    (with --missing on the command line, only those not there yet, each started from its
    stores' REST lockfile so the versions already tested stay; with --keep, every one
    started from itself, after a change to a dependency's constraint), and remove the
    partials no stack has any more."""
    catalog = default_catalog()
    stacks = {
        name(lock_key(s.selections, units_of(s, catalog)[0].kind)): s
        for s in all_stacks(catalog)
        if s.selections["language"] == (language,)
    }
    missing_only = "--missing" in sys.argv[1:]
    keep = "--keep" in sys.argv[1:]
    locks.mkdir(exist_ok=True)
    for partial, stack in sorted(stacks.items()):
        target = locks / partial
        if missing_only and target.exists():
            continue
        seed = locks / name("+".join(stack.selections["database"]))
        if keep and target.exists():
            # Each lockfile from itself: the versions stay, and only what the manifest now
            # asks differently (a raised floor, a new dependency) is resolved.
            seed = target
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp) / "stackgen-lockfile"
            render(stack, catalog, project)
            seeded = (missing_only or keep) and seed.exists()
            text = lock(stack, project, seed if seeded else None)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)}")
    for stale in sorted(locks.iterdir()):
        if stale.name not in stacks:
            stale.unlink()
            print(f"removed {stale.relative_to(ROOT)} (no such {language} stack any more)")
