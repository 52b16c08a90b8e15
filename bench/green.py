"""Time to green (never a timed test): a new project of each language's default stack, from
`stackgen new` to its own tests passing, step by step, with the package caches warm.

    .venv/bin/python bench/green.py [--rounds 3]

The steps are the project's own commands, the ones its README gives and the verification
harness runs (`data.harness.steps`: install, lint, types, tests), in a fresh project each
round, after one round that is not counted (it fills uv's and npm's caches). Issue 17's goals:
Python <= 15 s, TypeScript <= 25 s. Prints a Markdown table of medians; the README's
performance section shows the latest.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.catalog import default_catalog  # noqa: E402
from generator.render import plan  # noqa: E402
from generator.stack import resolve  # noqa: E402
from tests.harness import BIN, PASSED, _run, project_env  # noqa: E402

STEPS = ("install", "lint", "types", "tests")
GOALS = {"python": 15.0, "typescript": 25.0}


def one_round(language: str, work: Path) -> dict[str, float]:
    """Seconds per step for a fresh project; raises if a step fails."""
    name = f"green-{language}"
    start = time.monotonic()
    subprocess.run(
        [str(BIN / "stackgen"), "new", "--no-input", "--language", language, name],
        cwd=work, check=True, capture_output=True,
    )  # fmt: skip
    seconds = {"generate": time.monotonic() - start}
    catalog = default_catalog()
    stack = resolve(catalog, flags={"name": name, "language": [language]}, no_input=True)
    _, context = plan(stack, catalog)
    harness = context["data"]["harness"]
    env = project_env({}, harness.get("runtime"))
    for step in STEPS:
        result = _run(step, harness["steps"][step], work / name, env)
        if result.status != PASSED:
            raise SystemExit(f"{language}: {step} failed:\n{result.detail}")
        seconds[step] = result.seconds
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--language", action="append", choices=sorted(GOALS))
    args = parser.parse_args()
    columns = ("generate", *STEPS)
    print(f"Medians of {args.rounds} rounds, each in a fresh project, after one uncounted round:\n")
    print("| language | " + " | ".join(columns) + " | total | goal | met |")
    print("|---|" + "---|" * (len(columns) + 3))
    for language in args.language or sorted(GOALS):
        rounds = []
        for round_ in range(args.rounds + 1):
            with tempfile.TemporaryDirectory(prefix="green-") as work:
                seconds = one_round(language, Path(work))
            if round_:
                rounds.append(seconds)
        medians = {c: statistics.median(r[c] for r in rounds) for c in columns}
        total = statistics.median(sum(r.values()) for r in rounds)
        goal = GOALS[language]
        cells = " | ".join(f"{medians[c]:.1f}" for c in columns)
        met = "yes" if total <= goal else "no"
        print(f"| {language} | {cells} | {total:.1f} | <= {goal:.0f} s | {met} |", flush=True)


if __name__ == "__main__":
    main()
