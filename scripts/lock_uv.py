"""Regenerate the uv lockfiles stackgen ships, after a change to generator/versions.yaml or
to a layer's PyPI dependencies:

    .venv/bin/python scripts/lock_uv.py             # every lockfile, resolved anew
    .venv/bin/python scripts/lock_uv.py --missing   # only stacks that have none yet, each
                                                    # seeded with its stores' REST lockfile
                                                    # so the versions already tested stay
    .venv/bin/python scripts/lock_uv.py --keep      # every stack's from its own lockfile: the
                                                    # versions stay, only a changed constraint
                                                    # is resolved again

Python projects differ in PyPI dependencies only by their stores (--database) and API type
(--api), so templates/language/python-lockfiles holds one uv.lock per set of stores (and non-REST
API type) the catalog allows with Python, resolved here by `uv lock` from PyPI for every Python
the rendered pyproject.toml's requires-python admits and every platform. tests/test_lockfiles.py
fails when a lockfile no longer matches the pyproject.toml stackgen renders.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.stack import Stack  # noqa: E402
from scripts.lockfiles import relock  # noqa: E402

SLUG = "{{ cookiecutter.project_slug }}"
LOCKS = ROOT / "templates" / "language" / "python-lockfiles" / "partials"
UV = Path(sys.executable).parent / "uv"
# The generated project names no index, so its lockfile must name PyPI whatever this
# machine's environment points at (tests/test_lockfiles.py checks every source).
PYPI = "https://pypi.org/simple"
INDEX_SETTINGS = ("UV_INDEX", "UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_FIND_LINKS", "UV_NO_INDEX")
JINJA_MARKERS = ("{{", "{%", "{#")


def lock_name(key: str) -> str:
    """templates/language/python-lockfiles/files/uv.lock includes it by this name."""
    return f"uv-lock-{key}.toml"


def root_entry(name: str) -> str:
    """The project's own entry in uv.lock (a virtual one: pyproject says `package = false`);
    stackgen's slugs are normalised package names already, so uv writes them unchanged."""
    return f'[[package]]\nname = "{name}"\nversion = "0.1.0"\nsource = {{ virtual = "." }}\n'


def lock(stack: Stack, project: Path, seed: Path | None) -> str:
    """The uv.lock of a rendered project, its name replaced by the template's."""
    (project / "uv.lock").unlink(missing_ok=True)
    if seed is not None:
        # uv keeps the versions the lockfile pins and resolves only what is new.
        text = seed.read_text(encoding="utf-8")
        (project / "uv.lock").write_text(text.replace(root_entry(SLUG), root_entry(stack.slug)))
    env = {k: v for k, v in os.environ.items() if k not in INDEX_SETTINGS}
    subprocess.run([UV, "lock", "--default-index", PYPI], cwd=project, env=env, check=True)
    text = (project / "uv.lock").read_text(encoding="utf-8")
    if text.count(root_entry(stack.slug)) != 1:
        raise SystemExit(f"{project}/uv.lock has no single entry for the project {stack.slug}")
    if any(marker in text for marker in JINJA_MARKERS):
        raise SystemExit(f"{project}/uv.lock holds Jinja syntax; it cannot be a template")
    return text.replace(root_entry(stack.slug), root_entry(SLUG))


if __name__ == "__main__":
    relock("python", LOCKS, lock_name, lock)
