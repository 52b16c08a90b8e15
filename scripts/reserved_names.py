"""Regenerate generator/reserved_names.txt: every package name a generated project depends on,
directly or not, so that `stackgen new` refuses a project named like one of its dependencies
(uv refuses to install such a project - "the name is shadowed by your project" - and npm
refuses a package depending on its own name).

    .venv/bin/python scripts/reserved_names.py

PyPI names come from resolving every requirement in generator/versions.yaml (with the extras
the layers ask for) with `uv pip compile` for Python 3.11; npm names from the lockfiles stackgen
ships. Run it after a change to versions.yaml or to the npm lockfiles;
tests/test_reserved_names.py fails when a direct dependency or a locked npm package is missing.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "generator" / "reserved_names.txt"
LOCKFILES = ROOT / "templates" / "language" / "typescript-lockfiles" / "partials"


def normalise(name: str) -> str:
    """PEP 503's normal form, which npm's lower-case names already have."""
    return re.sub(r"[-_.]+", "-", name).lower()


def layer_extras() -> dict[str, set[str]]:
    extras: dict[str, set[str]] = {}
    for layer in (ROOT / "templates").rglob("layer.yaml"):
        raw = yaml.safe_load(layer.read_text(encoding="utf-8")) or {}
        deps = (raw.get("contributes") or {}).get("dependencies") or {}
        for key in ("pypi", "pypi-dev"):
            for req in deps.get(key) or []:
                if "[" in req:
                    base, extra = req.split("[", 1)
                    extras.setdefault(base, set()).update(extra.rstrip("]").split(","))
    return extras


def pypi_names() -> set[str]:
    versions = yaml.safe_load((ROOT / "generator" / "versions.yaml").read_text(encoding="utf-8"))
    extras = layer_extras()
    reqs = [
        f"{name}[{','.join(sorted(extras[name]))}]{spec}" if name in extras else f"{name}{spec}"
        for name, spec in versions["pypi"].items()
    ]
    with tempfile.TemporaryDirectory() as tmp:
        req_file = Path(tmp) / "requirements.in"
        req_file.write_text("\n".join(reqs) + "\n", encoding="utf-8")
        uv = Path(sys.executable).with_name("uv")
        out = subprocess.run(
            [
                str(uv),
                "pip",
                "compile",
                "--quiet",
                "--python-version",
                "3.11",
                "--universal",
                "--no-header",
                "--no-annotate",
                str(req_file),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    names = {
        normalise(line.split("==")[0].split("[")[0].split(";")[0].strip())
        for line in out.splitlines()
        if line and not line.startswith(("#", " "))
    }
    return names | {normalise(n) for n in versions["pypi"]}


def npm_names() -> set[str]:
    names: set[str] = set()
    for lock in LOCKFILES.glob("npm-lock-*.json"):
        packages = json.loads(lock.read_text(encoding="utf-8")).get("packages", {})
        names.update(key.rsplit("node_modules/", 1)[1] for key in packages if key)
    versions = yaml.safe_load((ROOT / "generator" / "versions.yaml").read_text(encoding="utf-8"))
    return {n for n in names | set(versions["npm"]) if not n.startswith("@")}


def main() -> None:
    names = sorted(pypi_names() | {normalise(n) for n in npm_names()})
    header = "# Written by scripts/reserved_names.py: package names no project may take.\n"
    OUT.write_text(header + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(names)} names -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
