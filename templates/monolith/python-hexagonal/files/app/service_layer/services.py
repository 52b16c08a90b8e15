"""Use cases, written against the ports only: they run the same on the real database and on
the in-memory fakes of the unit tests."""

from collections.abc import Sequence

from app.domain.items import Item, ItemNotFoundError
from app.domain.ports import AbstractUnitOfWork


async def get_item(uow: AbstractUnitOfWork, item_id: int) -> Item:
    item = await uow.items.get(item_id)
    if item is None:
        raise ItemNotFoundError(item_id)
    return item


async def list_items(
    uow: AbstractUnitOfWork,
    *,
    limit: int,
    offset: int,
    name_contains: str | None = None,
    order_by: Sequence[str] = (),
) -> tuple[list[Item], int]:
    return await uow.items.list(
        limit=limit, offset=offset, name_contains=name_contains, order_by=order_by
    )


async def add_item(uow: AbstractUnitOfWork, name: str, description: str | None) -> Item:
    item = await uow.items.add(Item(name=name, description=description))
    await uow.commit()
    return item


async def change_item(uow: AbstractUnitOfWork, item_id: int, **fields: str | None) -> Item:
    item = await get_item(uow, item_id)
    item.change(**fields)
    saved = await uow.items.save(item)
    await uow.commit()
    return saved


async def remove_item(uow: AbstractUnitOfWork, item_id: int) -> None:
    await get_item(uow, item_id)
    await uow.items.delete(item_id)
    await uow.commit()
