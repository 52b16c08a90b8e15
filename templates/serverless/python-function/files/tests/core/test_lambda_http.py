"""The Lambda adapter on its own: events in, API Gateway responses out, the app's lifespan
started once per container - against the run's real database (tests/conftest.py)."""

import asyncio
import base64
import gzip
import importlib
import json
import logging
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from app.core.lambda_http import LambdaApp
from app.core.logging import configure_logging
from app.main import create_app
from tests.apps import settings_for_tests
from tests.host import http_event, lambda_context

# The sample request `make invoke-api` hands the handler.
SAMPLE = Path(__file__).resolve().parents[2] / {{ cookiecutter.data.function.event | quote }}


def event(method: str, url: str, body: bytes = b"", **headers: str) -> dict[str, Any]:
    return http_event(httpx.Request(method, url, headers=headers), body)


@pytest.fixture
def app(database_url: str) -> FastAPI:
    app = create_app(settings_for_tests(database_url))

    @app.post("/echo")
    async def echo(request: Request) -> Response:
        return Response(
            content=await request.body(),
            media_type="application/octet-stream",
            headers={"x-cookie": request.headers.get("cookie", ""), "x-query": request.url.query},
        )

    @app.get("/cookies")
    async def cookies() -> Response:
        response = Response(content="{}", media_type="application/json")
        response.set_cookie("a", "1")
        response.set_cookie("b", "2")
        response.headers.append("vary", "Accept")
        response.headers.append("vary", "Origin")
        return response

    @app.get("/names/{name}")
    async def named(name: str) -> dict[str, str]:
        return {"name": name}

    @app.get("/compressed")
    async def compressed() -> Response:
        body = gzip.compress(b'{"compressed": true}')
        headers = {"content-encoding": "gzip"}
        return Response(content=body, media_type="application/json", headers=headers)

    @app.get("/fail")
    async def fail() -> None:
        raise RuntimeError("a secret detail")

    return app


@pytest.fixture
def handler(app: FastAPI) -> Iterator[LambdaApp]:
    handler = LambdaApp(app)
    yield handler
    handler.close()


def test_the_lifespan_starts_once_for_many_events(app: FastAPI, handler: LambdaApp) -> None:
    starts = 0
    lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def counted(app: FastAPI) -> AsyncIterator[None]:
        nonlocal starts
        starts += 1
        async with lifespan(app):
            yield

    app.router.lifespan_context = counted
    for _ in range(3):
        # /readyz asks the database: the resources the lifespan opened are in use.
        result = handler(event("GET", "https://api.example.com/readyz"), lambda_context())
        assert result["statusCode"] == 200, result
    assert starts == 1


def test_a_binary_body_cookies_and_the_query_reach_the_app(handler: LambdaApp) -> None:
    body = bytes(range(256))
    request = event(
        "POST", "https://api.example.com/echo?x=1&x=2&y=%C3%A9", body, cookie="a=1; b=2"
    )
    assert request["isBase64Encoded"] is True
    assert request["cookies"] == ["a=1", "b=2"]
    result = handler(request, lambda_context())
    assert result["statusCode"] == 200
    assert result["isBase64Encoded"] is True
    assert base64.b64decode(result["body"]) == body
    assert result["headers"]["x-cookie"] == "a=1; b=2"
    assert result["headers"]["x-query"] == "x=1&x=2&y=%C3%A9"


def test_cookies_and_repeated_headers_come_back_as_api_gateway_wants(handler: LambdaApp) -> None:
    result = handler(event("GET", "https://api.example.com/cookies"), lambda_context())
    assert result["statusCode"] == 200
    assert [c.split(";", 1)[0] for c in result["cookies"]] == ["a=1", "b=2"]
    assert "set-cookie" not in result["headers"]
    assert result["headers"]["vary"] == "Accept, Origin"
    assert result["isBase64Encoded"] is False
    assert result["body"] == "{}"


def test_a_path_and_headers_beyond_ascii_reach_the_app(handler: LambdaApp) -> None:
    # API Gateway hands over the path percent-decoded: "%2541" arrives as "%41", once.
    request = event("GET", "https://api.example.com/names/caf%C3%A9%20%E2%82%AC%2541")
    assert request["rawPath"] == "/names/café €%41"
    request["headers"]["x-name"] = "Zoë ☃"
    result = handler(request, lambda_context())
    assert result["statusCode"] == 200, result
    assert json.loads(result["body"]) == {"name": "café €%41"}


def test_a_compressed_text_body_goes_base64_encoded(handler: LambdaApp) -> None:
    result = handler(event("GET", "https://api.example.com/compressed"), lambda_context())
    assert result["statusCode"] == 200
    assert result["isBase64Encoded"] is True
    assert gzip.decompress(base64.b64decode(result["body"])) == b'{"compressed": true}'


def test_an_app_failure_is_a_500_and_the_next_event_is_served(handler: LambdaApp) -> None:
    result = handler(event("GET", "https://api.example.com/fail"), lambda_context())
    assert result["statusCode"] == 500
    assert "secret" not in result["body"]  # no internals leak to the client
    result = handler(event("GET", "https://api.example.com/healthz"), lambda_context())
    assert result["statusCode"] == 200


def test_the_entry_point_serves_with_the_environments_settings(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    sys.modules.pop("app.handler", None)
    entry = importlib.import_module("app.handler")
    try:
        result = entry.handler(event("GET", "https://api.example.com/readyz"), lambda_context())
        assert result["statusCode"] == 200, result
        assert result["headers"]["content-type"].startswith("application/")
    finally:
        entry.api.close()
        sys.modules.pop("app.handler", None)


@pytest.mark.usefixtures("client")  # the store is ready: migrated, with no items
async def test_the_sample_request_in_events_is_answered(database_url: str) -> None:
    sample = json.loads(SAMPLE.read_text(encoding="utf-8"))
    handler = LambdaApp(create_app(settings_for_tests(database_url)))
    try:  # (the handler runs its own event loop, as in Lambda: in a thread of its own here)
        result = await asyncio.to_thread(handler, sample, lambda_context())
    finally:
        await asyncio.to_thread(handler.close)
    assert result["statusCode"] == 200
    assert '"errors"' not in result.get("body", "")  # (GraphQL answers its errors with 200)


def test_a_requests_log_lines_carry_its_lambda_and_api_gateway_ids(
    handler: LambdaApp, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO")  # (to the standard output capsys reads)
    sample = event("GET", "https://api.example.com/healthz")
    context = lambda_context()
    assert handler(sample, context)["statusCode"] == 200
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    request = next(r for r in records if r["message"] == "request")
    assert request["aws_request_id"] == context.aws_request_id
    assert request["correlation_id"] == sample["requestContext"]["requestId"]
    logging.getLogger("app.test").info("between events")
    between = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert "aws_request_id" not in between
    assert "correlation_id" not in between
