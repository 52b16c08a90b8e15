"""What every combination renders, as one digest a stack: the snapshot that keeps a redesign of
the generator honest (tests/test_tree_hashes.py; refresh with scripts/tree_hashes.py).

A digest covers every path, its permission bits and its bytes. ``.stackgen.yml`` is read
without its ``template_version`` line: that is a hash of all templates, so it moves with any
template change, whichever combination the change reaches."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from pathlib import Path

from generator.catalog import Catalog
from generator.matrix import all_stacks, describe
from generator.render import render
from generator.stack import Stack

HASHES = Path(__file__).with_name("tree-hashes.json")
VOLATILE = b"template_version: "


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in sorted(os.walk(root)):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            mode = path.lstat().st_mode
            rel = path.relative_to(root).as_posix()
            digest.update(f"{rel}\0{stat.S_IMODE(mode):o}\0".encode())
            if stat.S_ISREG(mode):
                content = path.read_bytes()
                if rel == ".stackgen.yml":
                    content = b"".join(
                        line for line in content.splitlines(True) if not line.startswith(VOLATILE)
                    )
                digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()[:16]


def stack_digest(stack: Stack, catalog: Catalog) -> str:
    with tempfile.TemporaryDirectory(prefix="stackgen-tree-") as tmp:
        target = Path(tmp) / stack.slug
        render(stack, catalog, target)
        return tree_digest(target)


def current(catalog: Catalog) -> dict[str, str]:
    return {describe(s): stack_digest(s, catalog) for s in all_stacks(catalog)}


def recorded() -> dict[str, str]:
    return json.loads(HASHES.read_text(encoding="utf-8"))


def write(hashes: dict[str, str]) -> None:
    HASHES.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
