"""Record what every combination renders (tests/tree-hashes.json), or show what changed.

    .venv/bin/python scripts/tree_hashes.py          # list the combinations whose tree changed
    .venv/bin/python scripts/tree_hashes.py --update # record the trees as they are now

tests/test_tree_hashes.py fails while the recorded digests and the rendered trees differ. A
change to the generator that is meant to change no output must leave them all equal; a template
change that is meant to change output is recorded with --update in the same commit, and the
commit says which combinations it changes and why.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.catalog import default_catalog
from tests import trees


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--update", action="store_true", help="record the current trees")
    args = parser.parse_args()
    now = trees.current(default_catalog())
    if args.update:
        trees.write(now)
        print(f"recorded {len(now)} combinations in {trees.HASHES}")
        return 0
    before = trees.recorded() if trees.HASHES.exists() else {}
    changed = sorted(k for k in now.keys() & before.keys() if now[k] != before[k])
    for label, keys in (
        ("changed", changed),
        ("new", sorted(now.keys() - before.keys())),
        ("gone", sorted(before.keys() - now.keys())),
    ):
        for key in keys:
            print(f"{label}: {key}")
    print(f"{len(now)} combinations: {len(changed)} changed")
    return 1 if changed or now.keys() != before.keys() else 0


if __name__ == "__main__":
    raise SystemExit(main())
