"""In-memory adapters for the ports: the use cases run on these in unit tests."""

from collections.abc import Sequence
from dataclasses import replace
from operator import attrgetter

from app.domain.items import DuplicateItemNameError, Item, ItemHasChildrenError
from app.domain.ports import AbstractItemRepository, AbstractUnitOfWork


class FakeItemRepository(AbstractItemRepository):
    def __init__(self) -> None:
        self.items: dict[int, Item] = {}
        self.next_id = 1

    async def get(self, item_id: int) -> Item | None:
        item = self.items.get(item_id)
        return replace(item) if item is not None else None

    async def list(
        self,
        *,
        limit: int,
        offset: int,
        name_contains: str | None = None,
        order_by: Sequence[str] = (),
    ) -> tuple[list[Item], int]:
        needle = (name_contains or "").lower()
        matches = [i for i in self.items.values() if needle in i.name.lower()]
        for field in reversed([*order_by, "id"]):  # stable sorts: the first key decides
            matches.sort(key=attrgetter(field.removeprefix("-")), reverse=field.startswith("-"))
        return [replace(i) for i in matches[offset : offset + limit]], len(matches)

    async def add(self, item: Item) -> Item:
        self._check_name(item)
        item = replace(item, id=self.next_id)
        self.next_id += 1
        self.items[item.id or 0] = item
        return replace(item)

    async def save(self, item: Item) -> Item:
        self._check_name(item)
        self.items[item.id or 0] = replace(item)
        return replace(item)

    async def delete(self, item_id: int) -> None:
        if any(other.parent_id == item_id for other in self.items.values()):
            raise ItemHasChildrenError(item_id)
        self.items.pop(item_id, None)

    def _check_name(self, item: Item) -> None:
        if any(other.name == item.name and other.id != item.id for other in self.items.values()):
            raise DuplicateItemNameError(item.name)


class FakeUnitOfWork(AbstractUnitOfWork):
    def __init__(self) -> None:
        self.items = FakeItemRepository()
        self.commits = 0

    async def commit(self) -> None:
        self.commits += 1

    async def rollback(self) -> None:
        """Nothing to undo: the fake applies writes at once."""
