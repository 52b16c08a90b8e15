"""What every document store must do, over the wire against the real server."""

import asyncio

import pytest

from app.repositories.store import DuplicateNameError, ItemStore


async def test_ids_are_increasing_integers(items: ItemStore) -> None:
    first = await items.add(name="first id", description=None)
    second = await items.add(name="second id", description=None)
    assert isinstance(first.id, int)
    assert second.id > first.id


async def test_two_concurrent_updates_are_both_kept(items: ItemStore) -> None:
    item = await items.add(name="contended", description=None)
    await asyncio.gather(
        items.update(item.id, {"description": "first"}),
        items.update(item.id, {"name": "contended, renamed"}),
    )
    stored = await items.get(item.id)
    assert stored is not None
    assert (stored.name, stored.description) == ("contended, renamed", "first")


async def test_a_duplicate_name_is_refused_on_insert_and_on_rename(items: ItemStore) -> None:
    await items.add(name="taken", description=None)
    other = await items.add(name="free", description=None)
    with pytest.raises(DuplicateNameError):
        await items.add(name="taken", description=None)
    with pytest.raises(DuplicateNameError):
        await items.update(other.id, {"name": "taken"})
    stored = await items.get(other.id)
    assert stored is not None
    assert stored.name == "free"


async def test_items_are_listed_in_id_order_past_id_9(items: ItemStore) -> None:
    added = [await items.add(name=f"ordered {n}", description=None) for n in range(11)]
    page, _ = await items.list(limit=20, offset=0)
    assert [item.id for item in page] == [item.id for item in added]


async def test_names_match_literally_and_ignoring_case(items: ItemStore) -> None:
    await items.add(name="a.c (1)", description=None)
    await items.add(name="abc 1", description=None)
    await items.add(name="A.C (2)", description=None)
    found, total = await items.list(limit=1, offset=1, name_contains="a.C (")
    assert total == 2
    assert [item.name for item in found] == ["A.C (2)"]
