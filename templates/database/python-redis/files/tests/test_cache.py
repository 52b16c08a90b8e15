"""The Redis cache, against the real Redis at REDIS_URL."""

from httpx import AsyncClient

from app.core.cache import Cache
from app.core.config import Settings
from app.repositories.store import ItemStore
from app.services.cached_items import item_key
from tests.factories import create_item
from tests.tcp_proxy import readiness_across_outage


async def test_a_read_is_served_from_the_cache(
    client: AsyncClient, items: ItemStore, settings: Settings
) -> None:
    item_id = (await create_item(items, name="Cached")).id
    first = await client.get(f"/items/{item_id}")
    # Change the item behind the cache's back: only a cache hit still returns the old copy.
    await items.update(item_id, {"description": "changed behind the cache"})
    second = await client.get(f"/items/{item_id}")
    assert second.status_code == 200
    assert second.json() == first.json()
    cache = Cache(settings.redis_url, prefix=settings.cache_prefix, ttl_seconds=1)
    assert await cache.get(item_key(item_id)) is not None
    await cache.close()


async def test_an_update_invalidates_the_cached_item(client: AsyncClient, items: ItemStore) -> None:
    item_id = (await create_item(items, name="Lamp", description="old")).id
    assert (await client.get(f"/items/{item_id}")).json()["description"] == "old"
    patched = await client.patch(f"/items/{item_id}", json={"description": "new"})
    assert patched.status_code == 200
    assert (await client.get(f"/items/{item_id}")).json()["description"] == "new"


async def test_a_delete_invalidates_the_cached_item(client: AsyncClient, items: ItemStore) -> None:
    item_id = (await create_item(items)).id
    assert (await client.get(f"/items/{item_id}")).status_code == 200
    assert (await client.delete(f"/items/{item_id}")).status_code == 204
    assert (await client.get(f"/items/{item_id}")).status_code == 404


async def test_entries_live_under_the_prefix_with_a_ttl(settings: Settings) -> None:
    cache = Cache(settings.redis_url, prefix=settings.cache_prefix, ttl_seconds=60)
    await cache.set("probe", "value")
    assert await cache.client.get(f"{settings.cache_prefix}:probe") == "value"
    assert 0 < await cache.client.ttl(cache.key("probe")) <= 60
    await cache.delete("probe")
    assert await cache.get("probe") is None
    await cache.close()


async def test_readiness_follows_the_cache_down_and_back_up(settings: Settings) -> None:
    down, up = await readiness_across_outage(settings, "redis_url", 6379)
    assert down.status_code == 503
    assert down.json()["checks"] == {"cache": "down", "database": "up"}
    assert up.status_code == 200
    assert up.json()["checks"] == {"cache": "up", "database": "up"}
