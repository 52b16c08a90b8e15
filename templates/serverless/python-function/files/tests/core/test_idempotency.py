"""Keyed POSTs served once (app.core.idempotency), against the run's real table: retries get
the first answer, a key reused for another body or still in progress is refused, server
errors are not kept, and a table that cannot be reached answers 503 like any other request."""

import asyncio
import json
import time
from collections.abc import AsyncIterator
from itertools import count

import pytest
from fastapi import FastAPI, Request, Response
from httpx import AsyncClient

from app.core.config import Settings
from app.core.dynamodb import Database
from app.core.idempotency import KEEP_SECONDS, MAX_KEY_LENGTH, with_idempotency
from app.core.outage import RETRY_AFTER_SECONDS
from app.main import create_app
from tests.apps import app_client
from tests.error_format import MEDIA_TYPE, detail_of

SECONDS_OF_SLACK = 60
# Larger than a DynamoDB item may be (400 KB).
TOO_LARGE_TO_KEEP = 500_000


class Orders:
    """A route that counts how often it runs, one that waits to be let go, and one that fails
    the first time."""

    def __init__(self) -> None:
        self.made = count(1)
        self.release = asyncio.Event()
        self.started = asyncio.Event()
        self.failures = 1


def build_app(settings: Settings, orders: Orders) -> FastAPI:
    app = create_app(settings)

    @app.post("/orders", status_code=201)
    async def make_order(request: Request, response: Response) -> dict[str, object]:
        number = next(orders.made)
        response.headers["location"] = f"/orders/{number}"
        return {"order": number, "sent": json.loads(await request.body())}

    @app.post("/slow")
    async def slow() -> dict[str, bool]:
        orders.started.set()
        await orders.release.wait()
        return {"done": True}

    @app.post("/large")
    async def large() -> dict[str, str]:
        next(orders.made)
        return {"text": "x" * TOO_LARGE_TO_KEEP}

    @app.post("/flaky")
    async def flaky() -> dict[str, int]:
        if orders.failures:
            orders.failures -= 1
            raise RuntimeError("a passing failure")
        return {"order": next(orders.made)}

    return app


@pytest.fixture
def orders() -> Orders:
    return Orders()


@pytest.fixture
async def client(
    settings: Settings, database: Database, orders: Orders
) -> AsyncIterator[AsyncClient]:
    async with app_client(build_app(settings, orders)) as client:
        yield client


async def test_a_retry_gets_the_first_answer(client: AsyncClient, orders: Orders) -> None:
    headers = {"idempotency-key": "order-1"}
    first = await client.post("/orders", json={"pizza": 1}, headers=headers)
    retry = await client.post("/orders", json={"pizza": 1}, headers=headers)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json() == {"order": 1, "sent": {"pizza": 1}}
    assert retry.headers["location"] == "/orders/1"
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert retry.headers["x-content-type-options"] == "nosniff"  # the app's own headers too
    assert next(orders.made) == 2  # the route ran once


async def test_requests_without_a_key_or_with_other_keys_are_each_served(
    client: AsyncClient,
) -> None:
    bare = [await client.post("/orders", json={}) for _ in range(2)]
    keyed = [
        await client.post("/orders", json={}, headers={"idempotency-key": key})
        for key in ("a", "b")
    ]

    assert [r.json()["order"] for r in bare + keyed] == [1, 2, 3, 4]


async def test_a_keyed_post_with_no_body_is_served_once(
    client: AsyncClient, orders: Orders
) -> None:
    headers = {"idempotency-key": "q"}
    answers = [await client.post("/flaky?a=1", headers=headers) for _ in range(3)]
    other_query = await client.post("/flaky?a=2", headers=headers)

    assert [answer.status_code for answer in answers] == [500, 200, 200]
    assert answers[2].headers["idempotent-replayed"] == "true"
    assert next(orders.made) == 2  # served once after the failure
    assert other_query.status_code == 422  # another request under the same key


async def test_the_same_key_on_another_path_is_another_request(client: AsyncClient) -> None:
    headers = {"idempotency-key": "shared"}
    order = await client.post("/orders", json={}, headers=headers)
    flaky = await client.post("/flaky", headers=headers)

    assert order.json()["order"] == 1
    assert flaky.status_code == 500  # served, not answered with the order


async def test_a_key_reused_for_another_body_is_refused(client: AsyncClient) -> None:
    headers = {"idempotency-key": "order-2"}
    await client.post("/orders", json={"pizza": 1}, headers=headers)
    changed = await client.post("/orders", json={"pizza": 2}, headers=headers)

    assert changed.status_code == 422
    assert changed.headers["content-type"].startswith(MEDIA_TYPE)
    assert "another request" in detail_of(changed)


async def test_a_retry_while_the_first_is_served_is_told_to_wait(
    client: AsyncClient, orders: Orders
) -> None:
    headers = {"idempotency-key": "slow-1"}
    first = asyncio.create_task(client.post("/slow", headers=headers))
    await asyncio.wait_for(orders.started.wait(), 10)
    early = await client.post("/slow", headers=headers)
    orders.release.set()
    answered = await first
    late = await client.post("/slow", headers=headers)

    assert early.status_code == 409
    assert early.headers["retry-after"] == "1"
    assert "still being served" in detail_of(early)
    assert answered.status_code == late.status_code == 200
    assert late.headers["idempotent-replayed"] == "true"


async def test_a_server_error_is_not_kept(client: AsyncClient, orders: Orders) -> None:
    headers = {"idempotency-key": "flaky-1"}
    failed = await client.post("/flaky", headers=headers)
    retried = await client.post("/flaky", headers=headers)

    assert failed.status_code == 500
    assert retried.status_code == 200
    assert retried.json() == {"order": 1}
    assert "idempotent-replayed" not in retried.headers


async def test_an_answer_too_large_to_keep_is_kept_without_its_body(
    client: AsyncClient, orders: Orders, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {"idempotency-key": "large-1"}
    answer = await client.post("/large", headers=headers)
    retry = await client.post("/large", headers=headers)

    assert answer.status_code == 200
    assert len(answer.json()["text"]) == TOO_LARGE_TO_KEEP
    assert "was not kept" in caplog.text
    assert retry.status_code == 200  # the first answer's status and headers, not a second run
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.content == b""
    assert next(orders.made) == 2


@pytest.mark.parametrize("key", ["", "x" * (MAX_KEY_LENGTH + 1), "tab\tkey"])
async def test_a_key_that_is_not_one_is_refused(client: AsyncClient, key: str) -> None:
    answer = await client.post("/orders", json={}, headers={"idempotency-key": key})

    assert answer.status_code == 400
    assert "Idempotency-Key" in detail_of(answer)


async def test_other_methods_ignore_the_key(client: AsyncClient) -> None:
    answer = await client.get("/healthz", headers={"idempotency-key": "k"})

    assert answer.status_code == 200
    assert "idempotent-replayed" not in answer.headers


async def test_a_body_too_large_is_refused_as_without_a_key(client: AsyncClient) -> None:
    answer = await client.post(
        "/orders", content=b"x" * 2_000_000, headers={"idempotency-key": "big"}
    )

    assert answer.status_code == 413


async def test_the_record_expires_with_the_table(client: AsyncClient, database: Database) -> None:
    await client.post("/orders", json={}, headers={"idempotency-key": "kept"})

    records = database.client.scan(TableName=database.table)["Items"]
    kept = [r for r in records if r["pk"]["S"].startswith("idempotency#")]
    assert len(kept) == 1
    assert kept[0]["status"]["S"] == "COMPLETED"
    expires_at = int(kept[0]["expires_at"]["N"])
    assert abs(expires_at - (time.time() + KEEP_SECONDS)) < SECONDS_OF_SLACK


async def test_an_unreachable_table_answers_503(
    unreachable_settings: Settings, orders: Orders
) -> None:
    async with app_client(build_app(unreachable_settings, orders)) as client:
        answer = await client.post("/orders", json={}, headers={"idempotency-key": "k"})

    assert answer.status_code == 503
    assert answer.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    assert next(orders.made) == 1  # nothing was served


def test_the_middleware_is_added_once(settings: Settings, orders: Orders) -> None:
    app = build_app(settings, orders)
    before = len(app.user_middleware)
    with_idempotency(with_idempotency(app))

    assert len(app.user_middleware) == before + 1
