"""The serverless family's function, as Lambda gets it (never a timed test): the size of the
package `sam build` deploys, against Lambda's limit, and a cold start - a new process that
loads the package and answers its first API Gateway event - against a bare function's, in
the same language, measured in the same run. Both start in an environment like a Lambda
container's with tracing on.

    .venv/bin/python bench/function.py [--rounds 9]

Each language's default serverless stack (REST, DynamoDB) is generated and installed once.
Python's package is measured as deployed (arm64, `make package`); its cold start runs the same
dependency set built for this machine's Python (`LAMBDA_TARGET=`: the arm64 build cannot load
here), with `python -S -E` from a copy of it, so nothing else is importable. TypeScript's
bundle (`npm run package`) is both: Node runs it from a copy. The bare function is a handler
that returns a fixed answer, started the same way. Rounds alternate the two, so load from
elsewhere hits both alike. Prints a Markdown table of medians.
"""

from __future__ import annotations

import argparse
import json
import shutil
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
from tests.harness import (  # noqa: E402
    BIN,
    INVOKE_DRIVERS,
    LAMBDA_UNZIPPED_LIMIT,
    PASSED,
    _event,
    _run,
    project_env,
)

# What a function needs to start: settings only (the first event, /healthz, reaches no store).
SETTINGS = {
    "ENVIRONMENT": "production",
    "DATABASE_URL": "http://127.0.0.1:9",
    "DYNAMODB_TABLE": "items",
    "AWS_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
}
EVENT = json.dumps(_event("GET", "/healthz", None))
# A container as Lambda sets one up with tracing on (template.yaml's `Tracing: Active`): the
# functions' tracer loads X-Ray's SDK and sends its documents to the daemon's address (nothing
# reads them here), so the cold start includes what tracing costs.
TRACED = {
    "AWS_EXECUTION_ENV": "AWS_Lambda_bench",
    "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
    "_X_AMZN_TRACE_ID": (
        "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=1"
    ),
    "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
}
# language -> (the command that starts a process, the harness's driver - it loads a handler
# and answers each event on stdin - the package's handler, a bare handler's source file)
RUNS = {
    "python": (
        [".venv/bin/python", "-S", "-E", "-c"],
        "python",
        "app.handler",
        ("bare.py", "def handler(event, context):\n    return {'statusCode': 200}\n"),
    ),
    "typescript": (
        ["node", "--enable-source-maps", "--input-type=module", "-e"],
        "node",
        "handler.mjs",
        ("bare.mjs", "export const handler = async () => ({ statusCode: 200 });\n"),
    ),
}


def prepared(language: str, work: Path) -> tuple[Path, Path, dict[str, str]]:
    """A generated, installed project, its deployed package and the package it runs here."""
    name = f"fn-{language}"
    flags = {"name": name, "language": [language], "architecture": ["serverless"]}
    flags |= {"database": ["dynamodb"], "infrastructure": ["aws-lambda"]}
    catalog = default_catalog()
    stack = resolve(catalog, flags=flags, no_input=True)
    argv = [str(BIN / "stackgen"), "new", "--no-input", "--language", language]
    argv += ["--architecture", "serverless", "--database", "dynamodb"]
    argv += ["--infrastructure", "aws-lambda", name]
    subprocess.run(argv, cwd=work, check=True, capture_output=True)
    harness = plan(stack, catalog)[1]["data"]["harness"]
    env = project_env({}, harness.get("runtime"))
    project = work / name
    steps = [harness["steps"]["install"], harness["package"]["command"]]
    steps += harness["invoke"].get("prepare", [])
    for argv in steps:
        done = _run("bench", argv, project, env)
        if done.status != PASSED:
            raise SystemExit(f"{language}: {' '.join(argv)} failed:\n{done.detail}")
    deployed = project / harness["package"]["output"]
    here = project / harness["invoke"].get("package", harness["package"]["output"])
    return deployed, here, env | SETTINGS


def cold_start(command: list[str], driver: str, folder: Path, env: dict[str, str]) -> float:
    """Seconds from a new process to its answer to the first event."""
    env = env | TRACED | {"LAMBDA_TASK_ROOT": str(folder)}
    start = time.monotonic()
    done = subprocess.run(
        [*command, driver], cwd=folder, env=env, input=EVENT + "\n",
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    seconds = time.monotonic() - start
    if done.returncode != 0 or '"statusCode": 200' not in done.stdout.replace(":200", ": 200"):
        raise SystemExit(f"no 200 from {folder}: {done.stdout[-500:]}{done.stderr[-1500:]}")
    return seconds


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--language", action="append", choices=sorted(RUNS))
    args = parser.parse_args()
    print(f"Medians of {args.rounds} rounds, alternating the function and a bare one:\n")
    print(
        "| language | package (MiB) | Lambda's limit (MiB) | ratio | cold start (s) "
        "| bare function (s) | ratio |"
    )
    print("|---|---|---|---|---|---|---|")
    for language in args.language or sorted(RUNS):
        command, driver_name, module, (bare_name, bare_source) = RUNS[language]
        driver = INVOKE_DRIVERS[driver_name]
        with tempfile.TemporaryDirectory(prefix="bench-function-") as tmp:
            work = Path(tmp)
            deployed, here, env = prepared(language, work)
            project = deployed.parents[1]
            argv = [str(project / a) if a.startswith(".venv/") else a for a in command]
            app = work / "app-copy"
            shutil.copytree(here, app, symlinks=True)
            bare = work / "bare"
            bare.mkdir()
            (bare / bare_name).write_text(bare_source)
            bare_module = bare_name.removesuffix(".py")
            times: dict[str, list[float]] = {"app": [], "bare": []}
            for _ in range(args.rounds + 1):  # (the first round warms the page cache)
                times["app"].append(cold_start(argv, driver.replace("ENTRY", module), app, env))
                times["bare"].append(
                    cold_start(argv, driver.replace("ENTRY", bare_module), bare, env)
                )
            app_s = statistics.median(times["app"][1:])
            bare_s = statistics.median(times["bare"][1:])
            mib = size(deployed) / 1024 / 1024
            limit = LAMBDA_UNZIPPED_LIMIT / 1024 / 1024
            print(
                f"| {language} | {mib:.1f} | {limit:.0f} | {mib / limit:.2f}x | {app_s:.3f} "
                f"| {bare_s:.3f} | {app_s / bare_s:.1f}x |",
                flush=True,
            )


if __name__ == "__main__":
    main()
