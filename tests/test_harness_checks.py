"""The harness's own checks can fail: a served API document titled with other text than the
project was made with, a config file its schema refuses, and a gRPC server whose reflection
does not describe the item service are each reported as failed."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator import yamlio
from tests.harness import BIN, FAILED, PASSED, _check_jsonschema, _described_as_named

NAME, DESCRIPTION = 'api "漢" </x>', "字 & 'quotes'"


@pytest.fixture
def serve_document() -> Iterator[Callable[[object], str]]:
    servers: list[ThreadingHTTPServer] = []

    def serve(document: object) -> str:
        body = json.dumps(document).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def _project(tmp_path: Path) -> Path:
    answers = {"answers": {"name": NAME, "description": DESCRIPTION}}
    (tmp_path / ".stackgen.yml").write_text(yamlio.dump(answers), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("info", "status"),
    [
        ({"title": NAME, "description": DESCRIPTION}, PASSED),
        ({"title": NAME + " ", "description": DESCRIPTION}, FAILED),
        ({"title": NAME}, FAILED),
    ],
)
def test_the_served_title_and_description_are_the_users_text(
    serve_document, tmp_path, info, status
) -> None:
    base = serve_document({"openapi": "3.1.0", "info": info, "paths": {}})
    step = _described_as_named(base, "/openapi.json", _project(tmp_path))
    assert step.status == status, step.detail


def test_a_document_that_is_not_openapi_has_nothing_to_compare(serve_document, tmp_path) -> None:
    base = serve_document({"data": {"__schema": {}}})
    step = _described_as_named(base, "/graphql", _project(tmp_path))
    assert (step.status, step.detail) == (PASSED, "not an OpenAPI document: nothing to compare")


def test_a_file_its_schema_refuses_fails_the_in_process_check(tmp_path) -> None:
    good = tmp_path / "dependabot.yml"
    good.write_text("version: 2\nupdates: []\n", encoding="utf-8")
    bad = tmp_path / "broken.yml"
    bad.write_text("version: two\nupdates: []\n", encoding="utf-8")
    argv = [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.dependabot"]
    assert _check_jsonschema("ok", [*argv, str(good)]).status == PASSED
    failed = _check_jsonschema("bad", [*argv, str(bad)])
    assert failed.status == FAILED
    assert "version" in failed.detail
    assert _check_jsonschema("missing", [*argv, str(tmp_path / "none.yml")]).status == FAILED


def test_a_grpc_server_that_does_not_describe_the_item_service_fails_the_client() -> None:
    """The independent gRPC client goes by reflection alone: a server whose reflection does
    not list items.v1.ItemService fails the step, naming what it lists."""
    from concurrent import futures

    import grpc
    from grpc_reflection.v1alpha import reflection

    from tests.harness import _grpc_client

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    reflection.enable_server_reflection(["grpc.health.v1.Health", reflection.SERVICE_NAME], server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        step = _grpc_client(f"127.0.0.1:{port}")
    finally:
        server.stop(grace=None)
    assert step.status == FAILED
    assert "reflection lists" in step.detail and "grpc.health.v1.Health" in step.detail
