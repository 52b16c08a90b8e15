"""Use cases for items. The service owns the transaction: it commits or rolls back."""

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.problems import ConflictError, NotFoundError
from app.models import Item
from app.repositories.items import ItemRepository
from app.schemas.items import ItemCreate, ItemRead, ItemUpdate


class ItemService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.items = ItemRepository(session)

    async def get(self, item_id: int) -> ItemRead:
        return ItemRead.model_validate(await self._get(item_id))

    async def list(
        self, *, limit: int, offset: int, name_contains: str | None = None
    ) -> tuple[list[ItemRead], int]:
        items, total = await self.items.list(
            limit=limit, offset=offset, name_contains=name_contains
        )
        return [ItemRead.model_validate(item) for item in items], total

    async def create(self, data: ItemCreate) -> ItemRead:
        return await self._save(Item(name=data.name, description=data.description))

    async def update(self, item_id: int, data: ItemUpdate) -> ItemRead:
        item = await self._get(item_id)
        for field, value in data.model_dump(exclude_unset=True).items():
            setattr(item, field, value)
        return await self._save(item)

    async def delete(self, item_id: int) -> None:
        await self.items.delete(await self._get(item_id))
        await self.session.commit()

    async def _get(self, item_id: int) -> Item:
        item = await self.items.get(item_id)
        if item is None:
            raise NotFoundError(f"Item {item_id} does not exist.")
        return item

    async def _save(self, item: Item) -> ItemRead:
        name = item.name
        try:
            await self.items.add(item)
            await self.session.commit()
        except IntegrityError as exc:
            await self.session.rollback()
            raise ConflictError(f"An item named {name!r} already exists.") from exc
        return ItemRead.model_validate(item)
