"""The SQL item store keeps the ItemStore contract, against the real database."""

import pytest

from app.repositories.store import DuplicateNameError, ItemStore


async def test_ids_are_increasing_integers(items: ItemStore) -> None:
    first = await items.add(name="first id", description=None)
    second = await items.add(name="second id", description=None)
    assert second.id > first.id
    assert await items.get(first.id) == first


async def test_list_filters_counts_and_pages(items: ItemStore) -> None:
    for name in ("Desk lamp", "Floor LAMP", "Chair"):
        await items.add(name=name, description=None)
    page, total = await items.list(limit=1, offset=1, name_contains="lamp")
    assert total == 2
    assert [item.name for item in page] == ["Floor LAMP"]


async def test_update_changes_the_fields_given(items: ItemStore) -> None:
    item = await items.add(name="lamp", description="old")
    updated = await items.update(item.id, {"description": None})
    assert updated is not None
    assert (updated.name, updated.description) == ("lamp", None)
    assert await items.update(item.id + 1000, {"name": "x"}) is None


async def test_delete_says_whether_there_was_an_item(items: ItemStore) -> None:
    item = await items.add(name="gone", description=None)
    assert await items.delete(item.id) is True
    assert await items.get(item.id) is None
    assert await items.delete(item.id) is False


async def test_a_duplicate_name_is_refused_and_the_store_stays_usable(items: ItemStore) -> None:
    await items.add(name="taken", description=None)
    # A refused write rolls the session back, which expires the objects it loaded: keep the id.
    other_id = (await items.add(name="free", description=None)).id
    with pytest.raises(DuplicateNameError):
        await items.add(name="taken", description=None)
    with pytest.raises(DuplicateNameError):
        await items.update(other_id, {"name": "taken"})
    page, total = await items.list(limit=10, offset=0)
    assert total == 2
    assert sorted(item.name for item in page) == ["free", "taken"]
