"""stackgen's own speed, as ratios to limits measured in the same run (never a timed test):

    .venv/bin/python bench/cli.py [--rounds 7]

- `stackgen --help` and `stackgen --version` against `python -c "import click"` (goal <= 1.5x);
- `stackgen new` of the default stack against stock cookiecutter rendering the same layers
  staged as one cookiecutter template (`layers.stage_template`: the same files, and the tree
  it bakes is stackgen's, see tests/test_render_equivalence.py; issue 17's goal is <= 0.3x):
  as it usually runs, with the templates an earlier run compiled in its cache, and as a first
  run, with an empty cache (a fresh TMPDIR each round; `cache.py`).

Medians of alternated rounds, so load from elsewhere hits both sides alike. Prints a Markdown
table; the README's performance section shows the latest.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent


def _seconds(argv: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _staged_template(tmp: Path) -> Path:
    """The default stack's layers as one standalone cookiecutter template."""
    from generator.catalog import default_catalog
    from generator.layers import stage_template
    from generator.render import plan
    from generator.stack import resolve

    catalog = default_catalog()
    stack = resolve(catalog, flags={"name": "bench"}, no_input=True)
    layers, context = plan(stack, catalog)
    return stage_template(layers, context, tmp / "template")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    python, stackgen = str(BIN / "python"), str(BIN / "stackgen")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        template = _staged_template(tmp)
        files = sum(
            1 for p in (template / "{{cookiecutter.project_slug}}").rglob("*") if p.is_file()
        )
        render = (
            "from cookiecutter.main import cookiecutter; import sys; "
            f"cookiecutter({str(template)!r}, no_input=True, output_dir=sys.argv[1])"
        )
        keys = ("click", "help", "version", "new", "first", "cc")
        samples: dict[str, list[float]] = {k: [] for k in keys}
        _seconds([stackgen, "new", "--no-input", str(tmp / "warm-up")])  # fills the cache
        for i in range(rounds):
            samples["click"].append(_seconds([python, "-c", "import click"]))
            samples["help"].append(_seconds([stackgen, "--help"]))
            samples["version"].append(_seconds([stackgen, "--version"]))
            samples["new"].append(_seconds([stackgen, "new", "--no-input", str(tmp / f"n{i}")]))
            (tmp / f"t{i}").mkdir()
            samples["first"].append(
                _seconds(
                    [stackgen, "new", "--no-input", str(tmp / f"f{i}")],
                    env={**os.environ, "TMPDIR": str(tmp / f"t{i}")},
                )
            )
            samples["cc"].append(_seconds([python, "-c", render, str(tmp / f"c{i}")]))
    med = {k: statistics.median(v) for k, v in samples.items()}
    rows = [
        ("`stackgen --help`", med["help"], "`python -c 'import click'`", med["click"], 1.5),
        ("`stackgen --version`", med["version"], "`python -c 'import click'`", med["click"], 1.5),
        ("`stackgen new` (default stack)", med["new"],
         f"cookiecutter, same template ({files} files)", med["cc"], 0.3),
        ("`stackgen new`, empty cache", med["first"],
         f"cookiecutter, same template ({files} files)", med["cc"], 0.3),
    ]  # fmt: skip
    print(f"Medians of {rounds} alternated rounds (Python {sys.version.split()[0]}):\n")
    print("| figure | seconds | limit | seconds | ratio | goal | met |")
    print("|---|---|---|---|---|---|---|")
    for name, value, limit_name, limit, goal in rows:
        ratio = value / limit
        print(f"| {name} | {value:.3f} | {limit_name} | {limit:.3f} | {ratio:.2f}x | "
              f"<= {goal}x | {'yes' if ratio <= goal else 'no'} |")  # fmt: skip


if __name__ == "__main__":
    main()
