"""Regenerate the npm lockfiles stackgen ships, after a change to generator/versions.yaml or
to a layer's npm dependencies:

    .venv/bin/python scripts/lock_npm.py             # every lockfile, resolved anew
    .venv/bin/python scripts/lock_npm.py --missing   # only stacks that have none yet, each
                                                     # seeded with its stores' REST lockfile
                                                     # so the versions already tested stay

TypeScript projects differ in npm dependencies only by their stores (--database) and API type
(--api), so templates/shared/typescript-lockfiles holds one package-lock.json per set of stores
(and non-REST API type) the catalog allows with TypeScript, resolved here from the npm registry
with the Node.js the verification harness uses. tests/test_lockfiles.py fails when a lockfile
no longer matches the package.json stackgen renders.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.catalog import default_catalog  # noqa: E402
from generator.matrix import all_stacks  # noqa: E402
from generator.render import render  # noqa: E402
from tests.harness import node_bin  # noqa: E402

NAME = "stackgen-lockfile"  # any name: the lockfile gets the template's
SLUG = "{{ cookiecutter.project_slug }}"
LOCKS = ROOT / "templates" / "shared" / "typescript-lockfiles" / "partials"


def lock_name(selections: dict[str, tuple[str, ...]]) -> str:
    """The lockfile of a stack: its stores, and its API type unless REST (XML adds packages).
    templates/shared/typescript/files/package-lock.json includes it by the same name."""
    api = selections["api"][0]
    return f"npm-lock-{'+'.join(selections['database'])}{'' if api == 'rest' else '--' + api}.json"


def main() -> None:
    catalog = default_catalog()
    env = {**os.environ, "PATH": f"{node_bin()}{os.pathsep}{os.environ['PATH']}"}
    # One TypeScript stack per --database set (and API type) the catalog allows.
    stacks = {
        lock_name(s.selections): s
        for s in all_stacks(catalog)
        if s.selections["language"] == ("typescript",)
    }
    missing_only = "--missing" in sys.argv[1:]
    wanted = set()
    for name, stack in sorted(stacks.items()):
        if missing_only and (LOCKS / name).exists():
            wanted.add(name)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp) / NAME
            render(stack, catalog, project)
            (project / "package-lock.json").unlink(missing_ok=True)
            seed = LOCKS / f"npm-lock-{'+'.join(stack.selections['database'])}.json"
            if missing_only and seed.exists():
                # npm keeps what the lockfile pins and resolves only what is new.
                (project / "package-lock.json").write_text(seed.read_text(encoding="utf-8"))
            subprocess.run(
                [
                    "npm",
                    "install",
                    "--package-lock-only",
                    "--ignore-scripts",
                    "--no-audit",
                    "--no-fund",
                ],
                cwd=project,
                env=env,
                check=True,
            )
            lock = json.loads((project / "package-lock.json").read_text(encoding="utf-8"))
        lock["name"] = SLUG
        lock["packages"][""]["name"] = SLUG
        target = LOCKS / name
        target.write_text(json.dumps(lock, indent=2) + "\n", encoding="utf-8")
        wanted.add(target.name)
        print(f"wrote {target.relative_to(ROOT)}")
    for stale in LOCKS.glob("npm-lock-*.json"):
        if stale.name not in wanted:
            stale.unlink()
            print(f"removed {stale.relative_to(ROOT)} (no such TypeScript stack any more)")


if __name__ == "__main__":
    main()
