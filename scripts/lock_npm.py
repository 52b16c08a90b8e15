"""Regenerate the npm lockfiles the TypeScript layers ship, after a change to
generator/versions.yaml or to a layer's npm dependencies:

    .venv/bin/python scripts/lock_npm.py

TypeScript projects differ in npm dependencies only by their database layer, so each
typescript-<database> layer carries one package-lock.json, resolved here from the npm
registry with the Node.js the verification harness uses. tests/test_lockfiles.py fails
when a lockfile no longer matches the package.json stackgen renders.
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
from generator.errors import IncompatibleChoices  # noqa: E402
from generator.render import render  # noqa: E402
from generator.stack import resolve  # noqa: E402
from tests.harness import node_bin  # noqa: E402

NAME = "stackgen-lockfile"
SLUG = "{{ cookiecutter.project_slug }}"


def main() -> None:
    catalog = default_catalog()
    env = {**os.environ, "PATH": f"{node_bin()}{os.pathsep}{os.environ['PATH']}"}
    # Every primary store the catalog allows with TypeScript.
    for option in catalog.choice("database").options:
        if option.role != "primary":
            continue
        database = option.id
        try:
            stack = resolve(
                catalog,
                flags={"name": NAME, "language": "typescript", "database": (database,)},
                no_input=True,
            )
        except IncompatibleChoices:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp) / NAME
            render(stack, catalog, project)
            subprocess.run(
                ["npm", "install", "--package-lock-only", "--no-audit", "--no-fund"],
                cwd=project,
                env=env,
                check=True,
            )
            lock = json.loads((project / "package-lock.json").read_text(encoding="utf-8"))
        lock["name"] = SLUG
        lock["packages"][""]["name"] = SLUG
        target = ROOT / "templates" / "shared" / f"typescript-{database}" / "files"
        text = json.dumps(lock, indent=2) + "\n"
        (target / "package-lock.json").write_text(text, encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT) / 'package-lock.json'}")


if __name__ == "__main__":
    main()
