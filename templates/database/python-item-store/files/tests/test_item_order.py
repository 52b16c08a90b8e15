"""Every store orders a list as ItemStore.list says, against the real server."""

import asyncio

from app.repositories.store import ItemStore


async def test_list_orders_by_the_fields_given(items: ItemStore) -> None:
    added = [await items.add(name=name, description=None) for name in ("pear", "apple", "fig")]
    by_name, _ = await items.list(limit=10, offset=0, order_by=["name"])
    assert [item.name for item in by_name] == ["apple", "fig", "pear"]
    newest_first, _ = await items.list(limit=10, offset=0, order_by=["-id"])
    assert [item.id for item in newest_first] == [item.id for item in reversed(added)]
    page, total = await items.list(limit=1, offset=1, order_by=["-name"])
    assert ([item.name for item in page], total) == (["fig"], 3)


async def test_list_orders_by_dates(items: ItemStore) -> None:
    first = await items.add(name="first", description=None)
    second = await items.add(name="second", description=None)
    await asyncio.sleep(0.01)  # a later timestamp on every store's clock resolution
    await items.update(first.id, {"description": "changed"})
    by_update, _ = await items.list(limit=10, offset=0, order_by=["-updated_at"])
    assert [item.id for item in by_update] == [first.id, second.id]
    by_creation, _ = await items.list(limit=10, offset=0, order_by=["created_at"])
    assert [item.id for item in by_creation] == [first.id, second.id]
