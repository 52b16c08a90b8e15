"""The item history in MongoDB, over the wire against MONGODB_URL."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import AsyncClient

from app.core.config import Settings
from app.core.history import History
from tests.tcp_proxy import readiness_across_outage


@pytest.fixture(autouse=True)
async def no_events(settings: Settings) -> AsyncIterator[None]:
    history = History(settings.mongodb_url)
    await history.events.delete_many({})
    yield
    await history.close()


async def history_of(client: AsyncClient, item_id: int, query: str = "") -> dict[str, Any]:
    response = await client.get(f"/items/{item_id}/history{query}")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def test_every_change_is_recorded_newest_first_and_outlives_the_item(
    client: AsyncClient,
) -> None:
    created = await client.post("/items", json={"name": "Lamp", "description": "Bright."})
    item_id = created.json()["id"]
    await client.patch(f"/items/{item_id}", json={"name": "Desk"})
    await client.delete(f"/items/{item_id}")
    page = await history_of(client, item_id)
    assert page["total"] == 3
    assert [(e["action"], e["name"]) for e in page["items"]] == [
        ("deleted", "Desk"),
        ("updated", "Desk"),
        ("created", "Lamp"),
    ]
    assert page["items"][2]["description"] == "Bright."
    assert page["items"][0]["at"] >= page["items"][2]["at"]


async def test_the_history_is_paged_with_links(client: AsyncClient) -> None:
    item_id = (await client.post("/items", json={"name": "a"})).json()["id"]
    for description in ("1", "2"):
        await client.patch(f"/items/{item_id}", json={"description": description})
    page = await history_of(client, item_id, "?limit=1&offset=1")
    assert page["total"] == 3
    assert [e["description"] for e in page["items"]] == ["1"]
    assert "offset=2" in page["links"]["next"]
    assert "offset=0" in page["links"]["prev"]


async def test_an_item_that_never_changed_has_no_history(client: AsyncClient) -> None:
    assert await history_of(client, 424242) == {
        "items": [],
        "total": 0,
        "limit": 20,
        "offset": 0,
        "links": {"self": "http://test/items/424242/history", "next": None, "prev": None},
    }


async def test_a_failed_write_records_nothing(client: AsyncClient) -> None:
    item_id = (await client.post("/items", json={"name": "b"})).json()["id"]
    assert (await client.post("/items", json={"name": "b"})).status_code == 409
    assert (await history_of(client, item_id))["total"] == 1


async def test_readiness_follows_mongodb_down_and_back_up(settings: Settings) -> None:
    down, up = await readiness_across_outage(settings, "mongodb_url", 27017)
    assert down.status_code == 503
    assert down.json()["checks"] == {"database": "up", "history": "down"}
    assert up.status_code == 200
    assert up.json()["checks"] == {"database": "up", "history": "up"}
