"""What every combination renders, as one digest a stack: the snapshot that keeps a redesign of
the generator honest (tests/test_tree_hashes.py; refresh with scripts/tree_hashes.py).

A digest covers every path, its permission bits and its bytes. ``.stackgen.yml`` is read
without its ``template_version`` line (a hash of all templates, so it moves with any template
change, whichever combination the change reaches) and its ``stackgen_source`` (where this
stackgen was installed from)."""

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
# Keys of .stackgen.yml that move with every template change (the digest of all templates) or
# with where stackgen was installed from (the source, which may wrap onto indented lines).
VOLATILE = (b"template_version: ", b"stackgen_source: ")


def stable_record(content: bytes) -> bytes:
    kept, skipping = [], False
    for line in content.splitlines(True):
        if line.startswith(VOLATILE):
            skipping = True
        elif not (skipping and line.startswith(b" ")):  # not a continuation of the value
            skipping = False
            kept.append(line)
    return b"".join(kept)


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
                    content = stable_record(content)
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
