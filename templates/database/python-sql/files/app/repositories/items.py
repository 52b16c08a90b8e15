"""Every query on the items table lives here."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import UnaryExpression, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Item
from app.repositories.store import StoredItem


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
    ) -> tuple[list[StoredItem], int]:
        """One page of items and the total matching the filter, ordered as ItemStore.list says.

        One query: the total is a window count over the matching rows, taken before the page is
        cut. Plain rows, not ORM objects: a page is read, never changed, so it needs no identity
        map. Only a page past the end, where the window has no row to ride on, counts apart."""
        where = [Item.name.icontains(name_contains, autoescape=True)] if name_contains else []
        query = (
            select(*COLUMNS, func.count().over().label("total"))
            .where(*where)
            .order_by(*_ordering(order_by), Item.id)
            .limit(limit)
            .offset(offset)
        )
        rows = (await self.session.execute(query)).all()
        if rows:
            total = rows[0].total
        elif offset:
            count = select(func.count()).select_from(Item).where(*where)
            total = await self.session.scalar(count) or 0
        else:
            total = 0
        return [StoredItem(*row[:-1]) for row in rows], total

    async def add(self, item: Item) -> Item:
        self.session.add(item)
        await self.session.flush()
        return item

    async def delete(self, item: Item) -> None:
        await self.session.delete(item)
        await self.session.flush()


# A page's columns, in StoredItem's order.
COLUMNS = (
    Item.id,
    Item.name,
    Item.description,
    Item.created_at,
    Item.updated_at,
    Item.parent_id,
)
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
