"""Regenerate the npm lockfiles stackgen ships, after a change to generator/versions.yaml or
to a layer's npm dependencies:

    .venv/bin/python scripts/lock_npm.py             # every lockfile, resolved anew
    .venv/bin/python scripts/lock_npm.py --missing   # only stacks that have none yet, each
                                                     # seeded with its stores' REST lockfile
                                                     # so the versions already tested stay
    .venv/bin/python scripts/lock_npm.py --keep      # every stack's from its own lockfile: the
                                                     # versions stay, only a changed constraint
                                                     # is resolved again

TypeScript projects differ in npm dependencies only by their stores (--database) and API type
(--api), so templates/language/typescript-lockfiles holds one package-lock.json per set of stores
(and non-REST API type) the catalog allows with TypeScript, resolved here from the npm registry
with the Node.js the verification harness uses. tests/test_lockfiles.py fails when a lockfile
no longer matches the package.json stackgen renders.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.stack import Stack  # noqa: E402
from scripts.lockfiles import relock  # noqa: E402
from tests.harness import node_bin  # noqa: E402

SLUG = "{{ cookiecutter.project_slug }}"
LOCKS = ROOT / "templates" / "language" / "typescript-lockfiles" / "partials"


def lock_name(key: str) -> str:
    """templates/language/typescript-lockfiles/files/package-lock.json includes it by this name."""
    return f"npm-lock-{key}.json"


def lock(stack: Stack, project: Path, seed: Path | None) -> str:
    """The package-lock.json of a rendered project, its name replaced by the template's."""
    env = {**os.environ, "PATH": f"{node_bin()}{os.pathsep}{os.environ['PATH']}"}
    (project / "package-lock.json").unlink(missing_ok=True)
    if seed is not None:
        # npm keeps what the lockfile pins and resolves only what is new.
        (project / "package-lock.json").write_text(seed.read_text(encoding="utf-8"))
    subprocess.run(
        ["npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"],
        cwd=project,
        env=env,
        check=True,
    )
    lockfile = json.loads((project / "package-lock.json").read_text(encoding="utf-8"))
    lockfile["name"] = SLUG
    lockfile["packages"][""]["name"] = SLUG
    return json.dumps(lockfile, indent=2) + "\n"


if __name__ == "__main__":
    relock("typescript", LOCKS, lock_name, lock)
