"""Use cases for items, over whichever store holds them (app.repositories.store)."""

from collections.abc import Sequence

from app.core.problems import ConflictError, NotFoundError
from app.repositories.store import DuplicateNameError, ItemRecord, ItemStore
from app.schemas.items import ItemCreate, ItemRead, ItemUpdate


class ItemService:
    def __init__(self, items: ItemStore) -> None:
        self.items = items

    async def get(self, item_id: int) -> ItemRead:
        return ItemRead.model_validate(self._found(item_id, await self.items.get(item_id)))

    async def list(
        self,
        *,
        limit: int,
        offset: int,
        name_contains: str | None = None,
        order_by: Sequence[str] = (),
    ) -> tuple[list[ItemRead], int]:
        items, total = await self.items.list(
            limit=limit, offset=offset, name_contains=name_contains, order_by=order_by
        )
        return [ItemRead.model_validate(item) for item in items], total

    async def create(self, data: ItemCreate) -> ItemRead:
        try:
            item = await self.items.add(name=data.name, description=data.description)
        except DuplicateNameError as exc:
            raise ConflictError(f"An item named {data.name!r} already exists.") from exc
        return ItemRead.model_validate(item)

    async def update(self, item_id: int, data: ItemUpdate) -> ItemRead:
        try:
            item = await self.items.update(item_id, data.model_dump(exclude_unset=True))
        except DuplicateNameError as exc:
            raise ConflictError(f"An item named {data.name!r} already exists.") from exc
        return ItemRead.model_validate(self._found(item_id, item))

    async def delete(self, item_id: int) -> None:
        if not await self.items.delete(item_id):
            raise NotFoundError(f"Item {item_id} does not exist.")

    @staticmethod
    def _found(item_id: int, item: ItemRecord | None) -> ItemRecord:
        if item is None:
            raise NotFoundError(f"Item {item_id} does not exist.")
        return item
