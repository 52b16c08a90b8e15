"""Items read through the cache. Writes go to the database first and invalidate the cached
entry only after the transaction committed, so no reader can re-cache the old row."""

from app.core.cache import Cache
from app.repositories.store import ItemStore
from app.schemas.items import ItemRead, ItemUpdate
from app.services.items import ItemService


def item_key(item_id: int) -> str:
    return f"items:{item_id}"


class CachedItemService(ItemService):
    def __init__(self, items: ItemStore, cache: Cache) -> None:
        super().__init__(items)
        self.cache = cache

    async def get(self, item_id: int) -> ItemRead:
        cached = await self.cache.get(item_key(item_id))
        if cached is not None:
            return ItemRead.model_validate_json(cached)
        item = await super().get(item_id)
        await self.cache.set(item_key(item_id), item.model_dump_json())
        return item

    async def update(self, item_id: int, data: ItemUpdate) -> ItemRead:
        item = await super().update(item_id, data)
        await self.cache.delete(item_key(item_id))
        return item

    async def delete(self, item_id: int) -> None:
        await super().delete(item_id)
        await self.cache.delete(item_key(item_id))
