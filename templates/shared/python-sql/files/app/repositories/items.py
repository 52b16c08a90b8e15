"""Every query on the items table lives here."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import UnaryExpression, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Item


class ItemRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, item_id: int) -> Item | None:
        return await self.session.get(Item, item_id)

    async def list(
        self,
        *,
        limit: int,
        offset: int,
        name_contains: str | None = None,
        order_by: Sequence[str] = (),
    ) -> tuple[Sequence[Item], int]:
        """One page of items and the total matching the filter, ordered as ItemStore.list says."""
        query = select(Item)
        if name_contains:
            query = query.where(Item.name.icontains(name_contains, autoescape=True))
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self.session.scalars(
            query.order_by(*_ordering(order_by), Item.id).limit(limit).offset(offset)
        )
        return rows.all(), total or 0

    async def add(self, item: Item) -> Item:
        self.session.add(item)
        await self.session.flush()
        return item

    async def delete(self, item: Item) -> None:
        await self.session.delete(item)
        await self.session.flush()


# The columns a list may be ordered by (ItemStore.list's order_by names them).
SORT_COLUMNS = {
    "id": Item.id,
    "name": Item.name,
    "created_at": Item.created_at,
    "updated_at": Item.updated_at,
}


def _ordering(order_by: Sequence[str]) -> list[UnaryExpression[Any]]:
    return [
        SORT_COLUMNS[field[1:]].desc() if field.startswith("-") else SORT_COLUMNS[field].asc()
        for field in order_by
    ]
