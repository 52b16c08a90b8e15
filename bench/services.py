"""The generated services under load, as ratios to a bare server measured in the same run
(never a timed test). Needs wrk (Debian: `apt-get install wrk`).

    .venv/bin/python bench/services.py                      # Python and TypeScript, SQLite
    .venv/bin/python bench/services.py --database postgresql --language python
    .venv/bin/python bench/services.py --database mysql --api jsonapi   # other stores, APIs
    .venv/bin/python bench/services.py --database mongodb   # on the harness's stand-in server
    .venv/bin/python bench/services.py --api grpc   # h2load (apt-get install nghttp2-client)

Each stack is generated, installed and started the way the verification harness starts it
(the container's own migrate command, then the Dockerfile's server command), seeded with 10
items, then `wrk -t2 -cCONNECTIONS -dSECONDS --latency` runs against `/healthz` and a page
of ten items in the API type's terms, alternating with the same load on a bare app under the
same server (a bare ASGI app under the project's own uvicorn with the Dockerfile's flags; a bare
`node:http` server under the project's Node.js). RSS is read from /proc before and after.
Prints a Markdown table; the README's performance section shows the latest.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.catalog import default_catalog  # noqa: E402
from generator.render import plan  # noqa: E402
from generator.stack import resolve  # noqa: E402
from tests.harness import (  # noqa: E402
    SERVICES,
    Spawned,
    _free_port,
    generate,
    project_env,
    stop_server,
)

BARE_ASGI = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"status":"ok"}'})
"""
BARE_NODE = """
require("node:http").createServer((req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end('{"status":"ok"}');
}).listen(Number(process.env.PORT), "127.0.0.1");
"""


# The gRPC limit: a server of the same library with one method that answers an empty message
# (Python: grpc.aio under the project's interpreter; TypeScript: @grpc/grpc-js).
BARE_GRPC_PY = """
import asyncio, os
import grpc

async def ping(request, context):
    return b""

async def main():
    server = grpc.aio.server()
    handler = grpc.method_handlers_generic_handler(
        "bare.Bare", {"Ping": grpc.unary_unary_rpc_method_handler(ping)}
    )
    server.add_generic_rpc_handlers((handler,))
    server.add_insecure_port(f"127.0.0.1:{os.environ['GRPC_PORT']}")
    await server.start()
    await server.wait_for_termination()

asyncio.run(main())
"""
BARE_GRPC_NODE = """
const grpc = require("@grpc/grpc-js");
const same = (bytes) => bytes;
const ping = { path: "/bare.Bare/Ping", requestStream: false, responseStream: false,
  requestSerialize: same, requestDeserialize: same, responseSerialize: same,
  responseDeserialize: same };
const server = new grpc.Server();
server.addService({ Ping: ping }, { Ping: (call, done) => done(null, Buffer.alloc(0)) });
server.bindAsync(`127.0.0.1:${process.env.GRPC_PORT}`, grpc.ServerCredentials.createInsecure(),
  (error) => { if (error) throw error; });
"""
# A page of ten over gRPC: ListItemsRequest{page_size: 10} in gRPC's length-prefixed frame.
LIST_ITEMS_FRAME = b"\x00\x00\x00\x00\x02\x08\x0a"
PING_FRAME = b"\x00\x00\x00\x00\x00"


def _h2load(url: str, seconds: int, connections: int, body: Path) -> tuple[float, float, int]:
    """(requests per second, MEAN latency in ms - h2load gives no percentiles -, failed,
    errored or timed-out requests). gRPC's own status rides in trailers, which h2load does
    not read: the bench checks a call before and after the load instead."""
    out = subprocess.run(
        ["h2load", "-t2", f"-c{connections}", "-m1", f"-D{seconds}", "-d", str(body),
         "-H", "content-type: application/grpc", "-H", "te: trailers", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out).group(1))  # type: ignore[union-attr]
    counts = re.search(r"(\d+) failed, (\d+) errored, (\d+) timeout", out)
    latency = re.search(r"time for request:\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)\s", out)
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}[latency.group(2)]  # type: ignore[union-attr]
    return rps, float(latency.group(1)) * unit, sum(map(int, counts.groups()))  # type: ignore[union-attr]


def _wrk(
    url: str, seconds: int, connections: int, script: Path | None = None
) -> tuple[float, float, int]:
    """(requests per second, p99 in ms, non-2xx or socket errors)."""
    lua = ["-s", str(script)] if script else []
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *lua, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]  # type: ignore[union-attr]
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = sum(map(int, sockets.groups())) if sockets else 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    in_body = re.search(r"Answers with errors: (\d+)", out)  # GraphQL's come with a 200
    errors += int(in_body.group(1)) if in_body else 0
    return rps, float(p99.group(1)) * unit, errors  # type: ignore[union-attr]


def _rss_mib(pid: int) -> float:
    total = 0
    for child in [pid, *_children(pid)]:
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return total / 1024


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    kids = [int(p) for p in out.split()]
    return kids + [g for k in kids for g in _children(k)]


def _start(
    argv: list[str], cwd: Path, env: dict[str, str], port: int, grpc_port: int = 0
) -> subprocess.Popen[bytes]:
    """Start a server; wait for /healthz on ``port`` (or, given ``grpc_port``, for it too)."""
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if port:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    pass
            if grpc_port:
                socket.create_connection(("127.0.0.1", grpc_port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError(f"{' '.join(argv)} did not answer on port {port}")


# Per API type: how to create an item (content type, path, body for a name), and a page of ten
# (its path, and for GraphQL the body wrk POSTs through a script).
# Each wrk thread counts the answers whose body holds GraphQL errors; the total is printed.
COUNT_GRAPHQL_ERRORS = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) errors = 0 end
function response(status, headers, body)
  if string.find(body, '"errors"', 1, true) then errors = errors + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("errors") end
  io.write(string.format("Answers with errors: %d\\n", total))
end
"""
GRAPHQL_CREATE = "mutation($input: CreateItemInput!) { createItem(input: $input) { id } }"
GRAPHQL_PAGE = "{ items(first: 10) { totalCount edges { node { id name description } } } }"
APIS: dict[str, tuple[str, str, Callable[[str], str], str, str | None]] = {
    "rest": (
        "application/json",
        "/items",
        lambda name: json.dumps({"name": name}),
        "/items?limit=10",
        None,
    ),
    "jsonapi": (
        "application/vnd.api+json",
        "/items",
        lambda name: json.dumps({"data": {"type": "items", "attributes": {"name": name}}}),
        "/items?page%5Blimit%5D=10",
        None,
    ),
    "xml": (
        "application/xml",
        "/items",
        lambda name: f"<item><name>{name}</name></item>",
        "/items?limit=10",
        None,
    ),
    # Made and listed over gRPC (the port the harness's env names), the page through h2load.
    "grpc": ("application/grpc", "", lambda name: name, "ListItems", None),
    "graphql": (
        "application/json",
        "/graphql",
        lambda name: json.dumps({"query": GRAPHQL_CREATE, "variables": {"input": {"name": name}}}),
        "/graphql",
        json.dumps({"query": GRAPHQL_PAGE}),
    ),
}


def bench_stack(
    language: str, database: str, api: str, args: argparse.Namespace, work: Path
) -> list[str]:
    catalog = default_catalog()
    stack = resolve(
        catalog,
        flags={
            "name": f"bench-{language}",
            "language": language,
            "database": [database],
            "api": api,
        },
        no_input=True,
    )
    content_type, create_path, create_body, list_path, list_body = APIS[api]
    script = work / f"{language}-{api}.lua"
    if list_body is not None:  # wrk sends a POST through a Lua script
        script.write_text(
            'wrk.method = "POST"\n'
            f'wrk.headers["content-type"] = "{content_type}"\n'
            f"wrk.body = {json.dumps(list_body)}\n" + COUNT_GRAPHQL_ERRORS
        )
    _, context = plan(stack, catalog)
    harness = context["data"]["harness"]
    project = generate(stack, catalog, work)
    extra: dict[str, str] = {}
    service = next((SERVICES[s] for s in harness.get("services", []) if SERVICES[s].setup), None)
    # MongoDB and DynamoDB cannot be installed here: the harness's stand-ins (nx-27017, moto),
    # started for the run, which the figures then partly measure.
    stand_in = next((SERVICES[s] for s in harness.get("services", []) if SERVICES[s].spawn), None)
    spawned = Spawned(stand_in) if stand_in else None
    name = f"bench_{language}"
    if (service and service.setup) or spawned:
        db_name = service.setup(name) if service and service.setup else name
        extra = {
            k: v.format(database=db_name, port=spawned.port if spawned else 0)
            for k, v in harness.get("env", {}).items()
        }
    env = project_env(extra, harness.get("runtime"))
    try:
        subprocess.run(harness["steps"]["install"], cwd=project, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        serve = harness["serve"]
        migrate = [*serve.get("run", []), *context["data"]["container"]["migrate"]]
        for argv in [*serve.get("prepare", []), migrate]:
            subprocess.run(argv, cwd=project, env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        port = _free_port()
        app_env = {**env, "PORT": str(port), "ENVIRONMENT": "development", "LOG_LEVEL": "WARNING"}
        if language == "typescript":
            app_env["LOG_LEVEL"] = "warn"
        start = [a.format(port=port) for a in serve["start"]]
        if language == "python":  # the Dockerfile's flags, on loopback
            start = [*start, "--no-access-log"]
            bare = [str(project / ".venv/bin/uvicorn"), "bare:app", "--host", "127.0.0.1",
                    "--port", "{port}", "--no-access-log", "--no-server-header"]  # fmt: skip
            (project / "bare.py").write_text(BARE_ASGI)
        else:
            (project / "bare.cjs").write_text(BARE_NODE)
            bare = [shutil.which("node", path=env["PATH"]) or "node", "bare.cjs"]
        grpc_port = _free_port() if api == "grpc" else 0
        if grpc_port:  # the page is a gRPC call; the limit a bare gRPC server of the same library
            app_env["GRPC_PORT"] = str(grpc_port)
            (work / "list.bin").write_bytes(LIST_ITEMS_FRAME)
            (work / "ping.bin").write_bytes(PING_FRAME)
            if language == "python":
                (project / "bare_grpc.py").write_text(BARE_GRPC_PY)
                bare = [str(project / ".venv/bin/python"), "bare_grpc.py"]
            else:
                (project / "bare_grpc.cjs").write_text(BARE_GRPC_NODE)
                bare = [shutil.which("node", path=env["PATH"]) or "node", "bare_grpc.cjs"]
        target = f"127.0.0.1:{grpc_port}"
        rows = []
        figures: dict[str, list[tuple[float, float, int, float, float]]] = {}
        for round_ in range(args.rounds):
            for kind in ("app", "bare"):
                argv = start if kind == "app" else [a.format(port=port) for a in bare]
                http_port = 0 if grpc_port and kind == "bare" else port
                proc = _start(argv, project, app_env, http_port, grpc_port)
                try:
                    base = f"http://127.0.0.1:{port}"
                    if grpc_port and kind == "app":
                        from tests.grpc_client import call  # grpcio, from the test extra

                        if round_ == 0:
                            for i in range(10):
                                call(target, "CreateItem", name=f"item {i}")
                        # Before every load: the page is a real answer (a status in trailers
                        # is not something h2load reads).
                        if len(call(target, "ListItems", page_size=10).items) != 10:
                            raise RuntimeError("ListItems did not list the ten items")
                    elif kind == "app" and round_ == 0:
                        for i in range(10):
                            request = urllib.request.Request(
                                f"{base}{create_path}", data=create_body(f"item {i}").encode(),
                                headers={"content-type": content_type},
                            )  # fmt: skip
                            urllib.request.urlopen(request).close()
                        # The page must be a real answer (GraphQL reports errors with a 200).
                        request = urllib.request.Request(
                            base + list_path,
                            data=list_body.encode() if list_body else None,
                            headers={"content-type": content_type},
                        )
                        with urllib.request.urlopen(request) as answer:
                            page = answer.read().decode()
                        if b'"errors"' in page.encode() or "item 9" not in page:
                            raise RuntimeError(f"{list_path} did not list the items: {page[:200]}")
                    paths = ["/healthz", list_path] if kind == "app" else ["/healthz"]
                    if grpc_port and kind == "bare":
                        paths = ["Ping"]
                    for path in paths:
                        before = _rss_mib(proc.pid)
                        if path == "ListItems":
                            url = f"http://{target}/items.v1.ItemService/ListItems"
                            result = _h2load(url, args.seconds, args.connections, work / "list.bin")
                            if len(call(target, "ListItems", page_size=10).items) != 10:
                                raise RuntimeError("ListItems failed after the load")
                        elif path == "Ping":
                            url = f"http://{target}/bare.Bare/Ping"
                            result = _h2load(url, args.seconds, args.connections, work / "ping.bin")
                        else:
                            lua = script if path == list_path and list_body is not None else None
                            result = _wrk(base + path, args.seconds, args.connections, lua)
                        figures.setdefault(f"{kind} {path}", []).append(
                            (*result, before, _rss_mib(proc.pid))
                        )
                finally:
                    stop_server(proc)
        bare_path = "Ping" if grpc_port else "/healthz"
        bare_rps = _median([f[0] for f in figures[f"bare {bare_path}"]])
        for path in ("/healthz", list_path):
            runs = figures[f"app {path}"]
            rps, p99 = _median([r[0] for r in runs]), _median([r[1] for r in runs])
            errors = sum(r[2] for r in runs)
            rss = f"{_median([r[3] for r in runs]):.0f} -> {_median([r[4] for r in runs]):.0f}"
            # gRPC's page against the bare gRPC server; this run has no bare HTTP server.
            versus = bare_rps if not grpc_port or path == list_path else 0.0
            ratio = f"{rps / versus:.3f}x" if versus else ""
            label = f"`{path}`" + (" (mean ms, not p99)" if path == "ListItems" else "")
            rows.append(
                f"| {language} | {database} | {api} | {label} | {rps:,.0f} | {p99:.1f} | "
                f"{errors} | {rss} | {f'{versus:,.0f}' if versus else ''} | {ratio} |"
            )
        bare_rss = figures[f"bare {bare_path}"]
        bare_name = "bare gRPC server" if grpc_port else "bare server"
        rows.append(
            f"| {language} | {bare_name} | | `{bare_path}` | {bare_rps:,.0f} | "
            f"{_median([r[1] for r in bare_rss]):.1f} | {sum(r[2] for r in bare_rss)} | "
            f"{_median([r[3] for r in bare_rss]):.0f} -> {_median([r[4] for r in bare_rss]):.0f}"
            " | | |"
        )
        return rows
    finally:
        if service and service.teardown:
            service.teardown(name)
        if spawned:
            spawned.stop()


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--language", action="append", choices=["python", "typescript"])
    parser.add_argument(
        "--database",
        default="sqlite",
        choices=["sqlite", "postgresql", "mysql", "mongodb", "dynamodb"],
    )
    parser.add_argument("--api", default="rest", choices=sorted(APIS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/services.py needs wrk: apt-get install wrk")
    if args.api == "grpc" and shutil.which("h2load") is None:
        sys.exit("bench/services.py --api grpc needs h2load: apt-get install nghttp2-client")
    print(f"wrk -t2 -c{args.connections} -d{args.seconds}s, medians of {args.rounds} rounds, "
          "app and bare server alternated:\n")  # fmt: skip
    print("| language | store | API | path | req/s | p99 ms | errors | RSS MiB before -> after "
          "| bare req/s | ratio |\n|---|---|---|---|---|---|---|---|---|---|")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for language in args.language or ["python", "typescript"]:
            for row in bench_stack(language, args.database, args.api, args, Path(tmp)):
                print(row, flush=True)


if __name__ == "__main__":
    main()
