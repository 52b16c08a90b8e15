"""The exhaustive run: every combination the catalog offers, generated and checked, with a
report (matrix-report.md and matrix-report.json) and a one-line summary.

    .venv/bin/python scripts/matrix.py [--jobs 2] [--out .matrix] [--only SUBSTRING ...]
                                       [--config-only]

Kept practical as the catalog grows by sharing work where it provably does not change the
result: every combination is generated and its deploy/CI config validated (seconds each),
but the expensive application checks (install, lint, types, tests) run once per distinct
application: combinations whose generated files are identical outside the deploy and CI
config (Dockerfile, .dockerignore, compose files, deploy/, infra/, .github/, .platform/,
fly.toml, app.json, heroku.yml, README.md, .stackgen.yml, .checkov.yaml)
share one run. The grouping is by content, so a layer that changes app code for one
infrastructure automatically gets its own run. uv's cache is shared by every install.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.catalog import default_catalog
from generator.matrix import all_stacks, describe
from generator.stack import Stack, resolve
from tests.harness import (
    APP_STEPS,
    FAILED,
    NOT_RUN,
    PASSED,
    Step,
    app_checks,
    config_checks,
    generate,
)

DEPLOY_ONLY = (
    "Dockerfile",
    ".dockerignore",
    "README.md",
    ".stackgen.yml",
    ".checkov.yaml",
    "fly.toml",
    "app.json",
    "heroku.yml",
)
DEPLOY_DIRS = ("deploy", "infra", ".github", ".platform")


def app_digest(project: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in project.rglob("*") if p.is_file()):
        rel = path.relative_to(project)
        if rel.name in DEPLOY_ONLY or rel.name.startswith("compose") or rel.parts[0] in DEPLOY_DIRS:
            continue
        h.update(rel.as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def stand_in(name: str) -> str:
    """The stand-in server a step ran against ("" for a real one): "tests (on X)" -> "X"."""
    return name.split(" (on ", 1)[1][:-1] if " (on " in name else ""


def status_of(steps: list[Step]) -> str:
    if any(s.status == FAILED for s in steps):
        return FAILED
    if any(s.status == NOT_RUN for s in steps):
        return NOT_RUN
    return PASSED


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="application checks in parallel")
    parser.add_argument("--out", type=Path, default=Path(".matrix"), help="work directory")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="only combinations whose description contains this (repeat: all of them)",
    )
    parser.add_argument(
        "--config-only",
        action="store_true",
        help="generate and validate the deploy and CI config only (no installs, no tests)",
    )
    args = parser.parse_args()

    catalog = default_catalog()
    started = time.monotonic()
    combos = [s for s in all_stacks(catalog) if all(part in describe(s) for part in args.only)]
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)

    rows: dict[str, dict] = {}
    groups: dict[str, list[Stack]] = {}
    projects: dict[str, Path] = {}

    def generate_and_validate(combo: Stack) -> tuple[Stack, dict, Path | None]:
        # One project name for every combination, so identical apps have identical files.
        stack = resolve(
            catalog,
            flags={**{c: list(v) for c, v in combo.selections.items()}, "name": "matrix-app"},
            no_input=True,
        )
        workdir = args.out / combo.slug
        start = time.monotonic()
        try:
            project = generate(stack, catalog, workdir)
        except Exception as exc:  # reported, not raised: one broken combination is a row
            seconds = time.monotonic() - start
            failed = Step("generate", FAILED, f"{type(exc).__name__}: {exc}", seconds)
            return stack, {"stack": describe(combo), "steps": [asdict(failed)]}, None
        steps = [Step("generate", PASSED, "", time.monotonic() - start)]
        steps += config_checks(project)
        print(f"generated + validated {describe(combo)}: {status_of(steps)}", flush=True)
        return stack, {"stack": describe(combo), "steps": [asdict(s) for s in steps]}, project

    # Validators run one process each; several combinations are validated side by side.
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for combo, (stack, row, project) in zip(
            combos, pool.map(generate_and_validate, combos), strict=True
        ):
            rows[combo.slug] = row
            if project is None or args.config_only:
                continue
            digest = app_digest(project)
            groups.setdefault(digest, []).append(stack)
            projects.setdefault(digest, project)
            row["app_group"] = digest

    def run_group(digest: str) -> tuple[str, list[Step]]:
        stack = groups[digest][0]
        steps = app_checks(stack, catalog, projects[digest])
        print(f"app checks {describe(stack)}: {status_of(steps)}", flush=True)
        return digest, steps

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        app_results = dict(pool.map(run_group, list(groups)))

    for row in rows.values():
        if "app_group" in row:
            shared = len(groups[row["app_group"]]) > 1
            for step in app_results[row["app_group"]]:
                entry = asdict(step)
                entry["shared_with_group"] = shared
                row["steps"].append(entry)
        elif not args.config_only:
            row["steps"] += [
                asdict(Step(n, NOT_RUN, "not run: generation failed")) for n in APP_STEPS
            ]
        row["status"] = status_of(
            [
                Step(**{k: v for k, v in s.items() if k in Step.__annotations__})
                for s in row["steps"]
            ]
        )
        # Passed on a compatible server is reported as that, never as passed on the product.
        row["on"] = sorted({stand_in(s["name"]) for s in row["steps"]} - {""})

    elapsed = time.monotonic() - started
    counts = {
        s: sum(1 for r in rows.values() if r["status"] == s) for s in (PASSED, FAILED, NOT_RUN)
    }
    report = {
        "elapsed_seconds": round(elapsed, 1),
        "combinations": len(rows),
        "application_runs": len(groups),
        "counts": counts,
        "rows": rows,
    }
    Path("matrix-report.json").write_text(json.dumps(report, indent=2) + "\n")
    Path("matrix-report.md").write_text(markdown(report))
    on = sorted({o for r in rows.values() if r["status"] == PASSED for o in r["on"]})
    stood_in = sum(1 for r in rows.values() if r["status"] == PASSED and r["on"])
    note = f" ({stood_in} of them on {', '.join(on)})" if stood_in else ""
    print(
        f"{counts[PASSED]} passed{note}, {counts[FAILED]} failed, {counts[NOT_RUN]} not run "
        f"({len(rows)} combinations, {len(groups)} application runs, {elapsed:.0f} s)"
    )
    return 1 if counts[FAILED] else 0


def markdown(report: dict) -> str:
    step_names: list[str] = []
    for row in report["rows"].values():
        for s in row["steps"]:
            name = s["name"].split(" (on ", 1)[0]
            if name not in step_names:
                step_names.append(name)
    lines = [
        "# stackgen matrix report",
        "",
        f"{report['combinations']} combinations, {report['application_runs']} application runs, "
        f"{report['elapsed_seconds']} s. "
        + ", ".join(f"{n} {k}" for k, n in report["counts"].items()),
        "",
        "| stack | result | " + " | ".join(step_names) + " |",
        "|---|---|" + "---|" * len(step_names),
    ]
    details: list[str] = []
    for row in report["rows"].values():
        by_name = {s["name"].split(" (on ", 1)[0]: s for s in row["steps"]}
        cells = []
        for name in step_names:
            s = by_name.get(name)
            if s is None:
                cells.append("-")
                continue
            mark = {PASSED: "pass", FAILED: "FAIL", NOT_RUN: "not run"}[s["status"]]
            cells.append(f"{mark} ({s['seconds']:.1f}s)")
            if s["status"] != PASSED:
                details.append(f"### {row['stack']}: {name}\n\n```\n{s['detail']}\n```\n")
        result = row["status"] + (f" on {', '.join(row['on'])}" if row.get("on") else "")
        lines.append(f"| {row['stack']} | {result} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Application steps marked with the same app group ran once for the group "
        "(identical generated application files); see matrix-report.json.",
        "",
    ]
    return "\n".join(lines + details) + "\n"


if __name__ == "__main__":
    sys.exit(main())
