"""Use cases, written against the ports only: they run the same on the real database and on
the in-memory fakes of the unit tests."""

from collections.abc import Sequence
from typing import Any

from app.domain.items import Item, ItemNotFoundError, ItemPlacementError
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


async def add_item(
    uow: AbstractUnitOfWork, name: str, description: str | None, parent_id: int | None = None
) -> Item:
    if parent_id is not None:
        await _parent(uow, parent_id)
    item = await uow.items.add(Item(name=name, description=description, parent_id=parent_id))
    await uow.commit()
    return item


async def change_item(uow: AbstractUnitOfWork, item_id: int, **fields: Any) -> Item:
    """A partial update in one transaction: ``parent_id`` moves the item (None: under
    nothing), the other fields go to ``Item.change``."""
    item = await get_item(uow, item_id)
    if "parent_id" in fields:
        parent_id = fields.pop("parent_id")
        parent = await _parent(uow, parent_id) if parent_id is not None else None
        item.move_under(parent, await _ancestors(uow, parent))
    item.change(**fields)
    saved = await uow.items.save(item)
    await uow.commit()
    return saved


async def _ancestors(uow: AbstractUnitOfWork, item: Item | None) -> list[Item]:
    """The items above ``item``, nearest first (a loop in the stored data ends the walk)."""
    ancestors: list[Item] = []
    above = item.parent_id if item is not None else None
    while above is not None and above not in {ancestor.id for ancestor in ancestors}:
        ancestor = await uow.items.get(above)
        if ancestor is None:
            break
        ancestors.append(ancestor)
        above = ancestor.parent_id
    return ancestors


async def _parent(uow: AbstractUnitOfWork, parent_id: int) -> Item:
    parent = await uow.items.get(parent_id)
    if parent is None:
        raise ItemPlacementError(f"Item {parent_id} does not exist, so it cannot be a parent.")
    return parent


async def remove_item(uow: AbstractUnitOfWork, item_id: int) -> None:
    await get_item(uow, item_id)
    await uow.items.delete(item_id)
    await uow.commit()
