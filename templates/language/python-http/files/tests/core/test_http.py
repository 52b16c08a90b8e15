from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI, Request, Response
from httpx import ASGITransport, AsyncClient

from app.core.config import DEVELOPMENT_ONLY_DEFAULTS, Settings
from app.core.http import HSTS, SECURITY_HEADERS
from app.core.resources import close_resources
from app.main import create_app

LIMIT = 1024


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    app = create_app(settings.model_copy(update={"max_body_bytes": LIMIT}))

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    yield app
    await close_resources(app.state.resources)


async def _client(app: FastAPI) -> AsyncClient:
    return AsyncClient(transport=ASGITransport(app=app), base_url="http://test")


async def test_a_body_within_the_limit_is_read(app: FastAPI) -> None:
    async with await _client(app) as client:
        response = await client.post("/echo", content=b"x" * LIMIT)
    assert response.status_code == 200
    assert response.json() == {"size": LIMIT}


async def test_a_body_over_the_limit_is_413_in_the_apis_error_format(app: FastAPI) -> None:
    async with await _client(app) as client:
        error_format = (await client.get("/no-such-path")).headers["content-type"]
        response = await client.post("/echo", content=b"x" * (LIMIT + 1))
    assert response.status_code == 413
    assert response.headers["content-type"] == error_format
    assert f"larger than {LIMIT} bytes" in response.text


async def test_a_streamed_body_is_cut_off_once_it_passes_the_limit(app: FastAPI) -> None:
    chunks = 0

    async def stream() -> AsyncIterator[bytes]:
        nonlocal chunks
        for _ in range(100):
            chunks += 1
            yield b"x" * 512

    async with await _client(app) as client:
        response = await client.post("/echo", content=stream())
    assert response.status_code == 413
    assert "content-length" not in response.request.headers
    assert chunks < 100  # refused before the whole body arrived


async def test_a_malformed_content_length_is_refused(app: FastAPI) -> None:
    async with await _client(app) as client:
        response = await client.post("/echo", content=b"x", headers={"content-length": "-1"})
    assert response.status_code == 413


async def test_every_answer_carries_the_security_headers(app: FastAPI) -> None:
    async with await _client(app) as client:
        answers = [await client.get("/healthz"), await client.get("/no-such-path")]
    for response in answers:
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value
        assert "server" not in response.headers


async def test_a_security_header_the_route_sets_is_kept_and_not_repeated(app: FastAPI) -> None:
    @app.get("/framed")
    async def framed(response: Response) -> dict[str, str]:
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return {}

    async with await _client(app) as client:
        response = await client.get("/framed")
    assert response.headers.get_list("x-frame-options") == ["SAMEORIGIN"]
    assert response.headers.get_list("referrer-policy") == [SECURITY_HEADERS["Referrer-Policy"]]


async def test_the_docs_page_may_load_its_scripts(app: FastAPI) -> None:
    async with await _client(app) as client:
        response = await client.get("/docs")
    assert response.status_code == 200
    assert "content-security-policy" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


def _production(settings: Settings, **extra: object) -> Settings:
    values = {name: f"{value}-prod" for name, value in DEVELOPMENT_ONLY_DEFAULTS.items()}
    return settings.model_copy(update={**values, "environment": "production", **extra})


@pytest.mark.parametrize(("api_docs", "status"), [(None, 404), (True, 200), (False, 404)])
async def test_docs_are_off_in_production_unless_turned_on(
    settings: Settings, api_docs: bool | None, status: int
) -> None:
    app = create_app(_production(settings, api_docs=api_docs))
    try:
        async with await _client(app) as client:
            docs = await client.get("/docs")
            document = await client.get("/openapi.json")
    finally:
        await close_resources(app.state.resources)
    assert (docs.status_code, document.status_code) == (status, status)


@pytest.fixture
async def https_only_app(settings: Settings) -> AsyncIterator[FastAPI]:
    app = create_app(settings.model_copy(update={"https_only": True}))
    yield app
    await close_resources(app.state.resources)


async def test_https_only_redirects_plain_http_to_https(https_only_app: FastAPI) -> None:
    async with await _client(https_only_app) as client:
        response = await client.post(
            "/items/7?a=1&b=%20", headers={"X-Forwarded-Proto": "http", "Host": "api.example.com"}
        )
    assert response.status_code == 308  # the method and the body are kept
    assert response.headers["location"] == "https://api.example.com/items/7?a=1&b=%20"
    assert response.content == b""


async def test_https_only_answers_https_with_hsts(https_only_app: FastAPI) -> None:
    async with await _client(https_only_app) as client:
        response = await client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response.headers["strict-transport-security"] == HSTS


async def test_without_https_only_the_forwarded_header_is_not_trusted(app: FastAPI) -> None:
    async with await _client(app) as client:
        response = await client.get("/healthz", headers={"X-Forwarded-Proto": "http"})
    assert response.status_code == 200
    assert "strict-transport-security" not in response.headers
