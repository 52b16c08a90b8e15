"""The item store on the SQL database: the queries of ItemRepository, one transaction per
write (committed, or rolled back on a duplicate name)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Item
from app.repositories.items import ItemRepository
from app.repositories.store import DuplicateNameError, ItemInUseError, StoredItem


class SqlItemStore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.rows = ItemRepository(session)

    async def get(self, item_id: int) -> Item | None:
        return await self.rows.get(item_id)

    async def list(
        self,
        *,
        limit: int,
        offset: int,
        name_contains: str | None = None,
        order_by: Sequence[str] = (),
    ) -> tuple[Sequence[StoredItem], int]:
        return await self.rows.list(
            limit=limit, offset=offset, name_contains=name_contains, order_by=order_by
        )

    async def add(
        self, *, name: str, description: str | None, parent_id: int | None = None
    ) -> Item:
        return await self._commit(Item(name=name, description=description, parent_id=parent_id))

    async def update(self, item_id: int, changes: dict[str, Any]) -> Item | None:
        item = await self.rows.get(item_id)
        if item is None:
            return None
        for field, value in changes.items():
            setattr(item, field, value)
        return await self._commit(item)

    async def delete(self, item_id: int) -> bool:
        item = await self.rows.get(item_id)
        if item is None:
            return False
        try:
            await self.rows.delete(item)
            await self.session.commit()
        except IntegrityError as exc:  # the parent of other items (their foreign key)
            await self.session.rollback()
            raise ItemInUseError from exc
        return True

    async def _commit(self, item: Item) -> Item:
        try:
            await self.rows.add(item)
            await self.session.commit()
        except IntegrityError as exc:
            await self.session.rollback()
            raise DuplicateNameError from exc
        return item
