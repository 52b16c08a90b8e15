"""The item port implemented with SQLAlchemy: maps table rows to domain objects and back."""

from collections.abc import Awaitable, Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app import models
from app.adapters.records import to_domain
from app.domain.items import DuplicateItemNameError, Item, ItemHasChildrenError
from app.domain.ports import AbstractItemRepository
from app.repositories.items import ItemRepository


class SqlAlchemyItemRepository(AbstractItemRepository):
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.rows = ItemRepository(session)

    async def get(self, item_id: int) -> Item | None:
        row = await self.rows.get(item_id)
        return to_domain(row) if row is not None else None

    async def list(
        self,
        *,
        limit: int,
        offset: int,
        name_contains: str | None = None,
        order_by: Sequence[str] = (),
    ) -> tuple[list[Item], int]:
        rows, total = await self.rows.list(
            limit=limit, offset=offset, name_contains=name_contains, order_by=order_by
        )
        return [to_domain(row) for row in rows], total

    async def add(self, item: Item) -> Item:
        row = models.Item(
            name=item.name,
            description=item.description,
            parent_id=item.parent_id,
            created_at=item.created_at,
            updated_at=item.updated_at,
        )
        await self._write(self.rows.add(row), item.name)
        return to_domain(row)

    async def save(self, item: Item) -> Item:
        row = await self.rows.get(item.id) if item.id is not None else None
        if row is None:
            return await self.add(item)
        row.name, row.description, row.updated_at = item.name, item.description, item.updated_at
        row.parent_id = item.parent_id
        await self._write(self.rows.add(row), item.name)
        return to_domain(row)

    async def delete(self, item_id: int) -> None:
        row = await self.rows.get(item_id)
        if row is not None:
            try:
                await self.rows.delete(row)
            except IntegrityError as exc:  # the parent of other items (their foreign key)
                await self.session.rollback()
                raise ItemHasChildrenError(item_id) from exc

    async def _write(self, write: Awaitable[object], name: str) -> None:
        try:
            await write
        except IntegrityError as exc:
            await self.session.rollback()
            raise DuplicateItemNameError(name) from exc
