"""The server as the image runs it (``python -m app``), against clients that send slowly: a
request whose head or body does not arrive in time is cut off, while a connection kept alive
between requests goes on serving. With WEB_CONCURRENCY above 1 it runs that many processes, and
replaces one that dies."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from http.client import HTTPResponse

import pytest

from tests.tcp_proxy import free_port

HEADERS_TIMEOUT = 1
REQUEST_TIMEOUT = 2
DRIP_SECONDS = 0.25
DRIPS = 40  # 10 s of dripping: far longer than either limit
WORKER_STARTED = re.compile(r"Started server process \[(\d+)\]")


def start_server(
    database_url: str, port: int, settings: dict[str, str], stdout: int = subprocess.DEVNULL
) -> subprocess.Popen[str]:
    """``python -m app`` on ``port`` with the run's own database (tests/conftest.py)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "GRPC_PORT": "0",  # (a gRPC app also serves gRPC: any free port)
        "ENVIRONMENT": "test",
        **settings,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "app"], env=env, stdout=stdout, stderr=subprocess.DEVNULL, text=True
    )


def wait_until_serving(server: subprocess.Popen[str], port: int) -> None:
    """Connect until the server accepts: a worker listens only once its app has started, some
    time after it logged "Started server process"."""
    deadline = time.monotonic() + 30
    while server.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not start serving")


@pytest.fixture(scope="module")
def port(database_url: str) -> Iterator[int]:
    port = free_port()
    limits = {
        "HEADERS_TIMEOUT_SECONDS": str(HEADERS_TIMEOUT),
        "REQUEST_TIMEOUT_SECONDS": str(REQUEST_TIMEOUT),
    }
    server = start_server(database_url, port, limits)
    try:
        wait_until_serving(server, port)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def drip(port: int, head: bytes, line: bytes) -> bytes | None:
    """Send ``head``, then ``line`` every DRIP_SECONDS: what the server had answered when it
    closed the connection, or None if it never closed it while the client dripped."""
    with socket.create_connection(("127.0.0.1", port), timeout=DRIP_SECONDS) as client:
        client.sendall(head)
        answer = b""
        for _ in range(DRIPS):
            try:
                chunk = client.recv(4096)
            except TimeoutError:
                chunk = None
            if chunk == b"":
                return answer
            if chunk:
                answer += chunk
                continue
            try:
                client.sendall(line)
            except (BrokenPipeError, ConnectionResetError):
                return answer
        return None


def test_a_request_head_that_arrives_too_slowly_is_cut_off(port: int) -> None:
    answer = drip(port, b"GET /healthz HTTP/1.1\r\nHost: test\r\n", b"X-Slow: 1\r\n")
    assert answer is not None
    assert answer.startswith(b"HTTP/1.1 408 ")


def test_a_request_body_that_arrives_too_slowly_is_cut_off(port: int) -> None:
    head = b"POST /healthz HTTP/1.1\r\nHost: test\r\nContent-Length: 1000\r\n\r\n"
    # The connection closes long before the 1000 bytes are in (whatever the route answered
    # first: this one answers 405 without reading the body).
    assert drip(port, head, b"x") is not None


def test_a_kept_alive_connection_waits_longer_than_the_head_limit(port: int) -> None:
    request = b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        for _ in range(2):
            client.sendall(request)
            response = HTTPResponse(client)
            response.begin()
            assert response.status == 200
            response.read()
            time.sleep(HEADERS_TIMEOUT + 0.5)  # idle, not slow: the keep-alive limit applies


def test_web_concurrency_runs_that_many_processes_and_replaces_a_dead_one(
    database_url: str,
) -> None:
    port = free_port()
    server = start_server(database_url, port, {"WEB_CONCURRENCY": "2"}, stdout=subprocess.PIPE)
    workers: set[int] = set()

    def started(count: int) -> None:
        # Each worker logs "Started server process [PID]" (app.core.logging: JSON on stdout).
        assert server.stdout is not None
        while len(workers) < count and (line := server.stdout.readline()):
            workers.update(int(pid) for pid in WORKER_STARTED.findall(line))
        assert len(workers) == count

    def healthy() -> None:
        for _ in range(4):
            with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
                client.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
                response = HTTPResponse(client)
                response.begin()
                assert response.status == 200

    try:
        started(2)
        assert server.pid not in workers
        wait_until_serving(server, port)
        healthy()
        os.kill(min(workers), signal.SIGKILL)
        started(3)
        healthy()
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert server.returncode in (0, -signal.SIGTERM)
    for pid in workers:  # the supervisor stops its workers before it exits
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
