{%- set api = cookiecutter.selections.api[0] -%}
"""The database server taken away under a running app, then given back: every request that
needs it answers 503 {%- if api == "graphql" %} (GraphQL: the UNAVAILABLE code){% elif api == "grpc" %} (gRPC: UNAVAILABLE){% else %} with Retry-After, in the API's error format{% endif %}, readiness follows it down and
up with no restart, and the outage is logged once when it begins and once when it ends."""

import logging
from urllib.parse import urlsplit
{%- if api == "grpc" %}

import grpc
{%- endif %}
{%- if api == "grpc" %}
from fastapi import FastAPI
{%- else %}

from httpx import AsyncClient, Response
{%- endif %}

from app.core.config import Settings
from app.core.outage import DETAIL{% if api != "grpc" %}, RETRY_AFTER_SECONDS{% endif %}
from app.main import create_app
{%- if api == "grpc" %}
from app.rpc.gen.items.v1 import items_pb2, items_pb2_grpc
{%- endif %}
from tests.apps import app_client
from tests.tcp_proxy import free_port, tcp_proxy

DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "mongodb": 27017, "http": 80}
REQUESTS_DURING_OUTAGE = 2


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append((record.levelname, record.getMessage()))
{% if api == "grpc" %}

async def list_items(app: FastAPI) -> tuple[grpc.StatusCode, str | None]:
    """ListItems over a real gRPC channel to the app's port: the status it ends with."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{app.state.grpc_port}") as channel:
        try:
            await items_pb2_grpc.ItemServiceStub(channel).ListItems(items_pb2.ListItemsRequest())
        except grpc.aio.AioRpcError as error:
            return error.code(), error.details()
    return grpc.StatusCode.OK, None
{%- elif api == "graphql" %}

async def list_items(client: AsyncClient) -> Response:
    return await client.post("/graphql", json={"query": "{ items(first: 1) { totalCount } }"})
{%- else %}

async def list_items(client: AsyncClient) -> Response:
    return await client.get("/items")
{%- endif %}


async def test_a_database_outage_is_answered_and_logged_once(settings: Settings) -> None:
    real = urlsplit(settings.database_url)
    scheme = real.scheme.split("+")[0]
    user, _, _ = real.netloc.rpartition("@")
    port = free_port()  # nothing listens here until the proxy opens it
    away = real._replace(netloc=f"{user}@127.0.0.1:{port}" if user else f"127.0.0.1:{port}")
    app = create_app(settings.model_copy(update={"database_url": away.geturl()}))
    records = Records()
    logging.getLogger("app.core.outage").addHandler(records)
    try:
        async with app_client(app) as client:
            for _ in range(REQUESTS_DURING_OUTAGE):
{%- if api == "grpc" %}
                assert await list_items(app) == (grpc.StatusCode.UNAVAILABLE, DETAIL)
{%- elif api == "graphql" %}
                answer = await list_items(client)
                assert answer.status_code == 200
                error = answer.json()["errors"][0]
                assert error["message"] == DETAIL
                assert error["extensions"] == {
                    "code": "UNAVAILABLE",
                    "retryAfter": RETRY_AFTER_SECONDS,
                }
{%- else %}
                answer = await list_items(client)
                assert answer.status_code == 503
                assert answer.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
{%- if api == "jsonapi" %}
                assert answer.headers["content-type"] == "application/vnd.api+json"
                assert answer.json()["errors"][0]["detail"] == DETAIL
{%- elif api == "xml" %}
                assert answer.headers["content-type"] == "application/problem+xml"
                assert f"<detail>{DETAIL}</detail>" in answer.text
{%- else %}
                assert answer.headers["content-type"] == "application/problem+json"
                assert answer.json()["detail"] == DETAIL
{%- endif %}
{%- endif %}
            assert (await client.get("/readyz")).status_code == 503
            assert records.messages == [("WARNING", "store unavailable")]

            target = (real.hostname or "127.0.0.1", real.port or DEFAULT_PORTS[scheme])
            async with tcp_proxy(port, *target):
                assert (await client.get("/readyz")).status_code == 200
{%- if api == "grpc" %}
                assert await list_items(app) == (grpc.StatusCode.OK, None)
{%- else %}
                answer = await list_items(client)
                assert answer.status_code == 200
{%- if api == "graphql" %}
                assert "errors" not in answer.json()
{%- endif %}
{%- endif %}
                assert records.messages == [
                    ("WARNING", "store unavailable"),
                    ("INFO", "store available again"),
                ]
    finally:
        logging.getLogger("app.core.outage").removeHandler(records)
{%- if api not in ["graphql", "grpc"] %}


async def test_the_openapi_document_says_each_store_route_may_answer_503(
    settings: Settings,
) -> None:
    async with app_client(create_app(settings)) as client:
        document = (await client.get("/openapi.json")).json()
    operations = [
        operation
        for path, methods in document["paths"].items()
        if path.startswith("/items")
        for operation in methods.values()
    ]
    assert operations
    for operation in operations:
        assert "Retry-After" in operation["responses"]["503"]["headers"]
{%- endif %}
