"""The item port implemented over the item store (app/repositories/store.py): maps stored
records to domain objects and back, whichever document database holds them."""

from collections.abc import Sequence

from app.adapters.records import to_domain
from app.domain.items import (
    DuplicateItemNameError,
    Item,
    ItemHasChildrenError,
    ItemNotFoundError,
)
from app.domain.ports import AbstractItemRepository
from app.repositories.store import DuplicateNameError, ItemInUseError, ItemStore


class StoreItemRepository(AbstractItemRepository):
    def __init__(self, store: ItemStore) -> None:
        self.store = store
        # What each item looked like when it was read, so that saving writes only the fields
        # the use case changed: a concurrent change to another field is kept, not overwritten.
        self.seen: dict[int, Item] = {}

    async def get(self, item_id: int) -> Item | None:
        record = await self.store.get(item_id)
        return self._seen(to_domain(record)) if record is not None else None

    async def list(
        self,
        *,
        limit: int,
        offset: int,
        name_contains: str | None = None,
        order_by: Sequence[str] = (),
    ) -> tuple[list[Item], int]:
        records, total = await self.store.list(
            limit=limit, offset=offset, name_contains=name_contains, order_by=order_by
        )
        return [self._seen(to_domain(record)) for record in records], total

    async def add(self, item: Item) -> Item:
        try:
            record = await self.store.add(
                name=item.name, description=item.description, parent_id=item.parent_id
            )
        except DuplicateNameError as exc:
            raise DuplicateItemNameError(item.name) from exc
        return self._seen(to_domain(record))

    async def save(self, item: Item) -> Item:
        if item.id is None:
            return await self.add(item)
        before = self.seen.get(item.id)
        changes = {
            field: getattr(item, field)
            for field in ("name", "description", "parent_id")
            if before is None or getattr(before, field) != getattr(item, field)
        }
        try:
            record = await self.store.update(item.id, changes)
        except DuplicateNameError as exc:
            raise DuplicateItemNameError(item.name) from exc
        if record is None:
            raise ItemNotFoundError(item.id)
        return self._seen(to_domain(record))

    async def delete(self, item_id: int) -> None:
        try:
            await self.store.delete(item_id)
        except ItemInUseError as exc:
            raise ItemHasChildrenError(item_id) from exc
        self.seen.pop(item_id, None)

    def _seen(self, item: Item) -> Item:
        if item.id is not None:
            self.seen[item.id] = Item(**vars(item))
        return item
