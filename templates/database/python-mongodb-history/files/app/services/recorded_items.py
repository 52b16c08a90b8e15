"""Items whose every change is recorded in the history. The SQL transaction commits first and
the event is written after it, so the history never holds a change that did not happen."""

from datetime import UTC, datetime

from app.core.history import Action, History
from app.repositories.store import ItemStore
from app.schemas.items import ItemCreate, ItemRead, ItemUpdate
from app.services.items import ItemService


class RecordedItemService(ItemService):
    def __init__(self, items: ItemStore, history: History) -> None:
        super().__init__(items)
        self.history = history

    async def create(self, data: ItemCreate) -> ItemRead:
        return await self._recorded("created", await super().create(data))

    async def update(self, item_id: int, data: ItemUpdate) -> ItemRead:
        return await self._recorded("updated", await super().update(item_id, data))

    async def delete(self, item_id: int) -> None:
        item = await self.get(item_id)
        await super().delete(item_id)
        await self._recorded("deleted", item)

    async def _recorded(self, action: Action, item: ItemRead) -> ItemRead:
        await self.history.record(
            {
                "item_id": item.id,
                "action": action,
                "at": datetime.now(UTC),
                "name": item.name,
                "description": item.description,
            }
        )
        return item
