"""The server as the image runs it (``python -m app``), against clients that send slowly: a
request whose head or body does not arrive in time is cut off, while a connection kept alive
between requests goes on serving."""

import os
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


@pytest.fixture(scope="module")
def port(database_url: str) -> Iterator[int]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,  # the run's own database (tests/conftest.py)
        "PORT": str(port),
        "GRPC_PORT": "0",  # (a gRPC app also serves gRPC: any free port)
        "ENVIRONMENT": "test",
        "HEADERS_TIMEOUT_SECONDS": str(HEADERS_TIMEOUT),
        "REQUEST_TIMEOUT_SECONDS": str(REQUEST_TIMEOUT),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "app"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while server.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        assert server.poll() is None, "the server did not start"
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
