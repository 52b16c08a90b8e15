"""Use cases for items, over whichever store holds them (app.repositories.store)."""

from collections.abc import Sequence

from app.core.problems import ConflictError, NotFoundError
from app.repositories.store import DuplicateNameError, ItemInUseError, ItemRecord, ItemStore
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
        await self._check_parent(data.parent_id)
        try:
            item = await self.items.add(
                name=data.name, description=data.description, parent_id=data.parent_id
            )
        except DuplicateNameError as exc:
            raise ConflictError(f"An item named {data.name!r} already exists.") from exc
        return ItemRead.model_validate(item)

    async def update(self, item_id: int, data: ItemUpdate) -> ItemRead:
        changes = data.model_dump(exclude_unset=True)
        await self._check_parent(changes.get("parent_id"), item_id)
        try:
            item = await self.items.update(item_id, changes)
        except DuplicateNameError as exc:
            raise ConflictError(f"An item named {data.name!r} already exists.") from exc
        return ItemRead.model_validate(self._found(item_id, item))

    async def delete(self, item_id: int) -> None:
        try:
            deleted = await self.items.delete(item_id)
        except ItemInUseError as exc:
            msg = f"Item {item_id} has items under it; move or delete them first."
            raise ConflictError(msg) from exc
        if not deleted:
            raise NotFoundError(f"Item {item_id} does not exist.")

    async def _check_parent(self, parent_id: int | None, item_id: int | None = None) -> None:
        """A parent must exist, and an item cannot sit under itself or under anything below it:
        the walk up from the new parent must not meet the item. Either is a 409: the request
        is well-formed, but the items as they stand do not allow it."""
        if parent_id is None:
            return
        ancestor = await self.items.get(parent_id)
        if ancestor is None:
            raise ConflictError(f"Item {parent_id} does not exist, so it cannot be a parent.")
        seen: set[int] = set()
        while item_id is not None and ancestor is not None and ancestor.id not in seen:
            if ancestor.id == item_id:
                msg = f"Item {item_id} cannot sit under item {parent_id}, which is it or under it."
                raise ConflictError(msg)
            seen.add(ancestor.id)
            above = ancestor.parent_id
            ancestor = await self.items.get(above) if above is not None else None

    @staticmethod
    def _found(item_id: int, item: ItemRecord | None) -> ItemRecord:
        if item is None:
            raise NotFoundError(f"Item {item_id} does not exist.")
        return item
