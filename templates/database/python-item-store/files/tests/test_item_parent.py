"""Every store keeps an item's parent, and refuses to delete a parent, against the real server."""

import pytest

from app.repositories.store import ItemInUseError, ItemStore


async def test_a_parent_is_stored_and_changed(items: ItemStore) -> None:
    shelf = (await items.add(name="shelf", description=None)).id
    box = (await items.add(name="box", description=None)).id
    book = await items.add(name="book", description=None, parent_id=shelf)
    assert book.parent_id == shelf
    book_id = book.id
    stored = await items.get(book_id)
    assert stored is not None
    assert stored.parent_id == shelf
    moved = await items.update(book_id, {"parent_id": box})
    assert moved is not None
    assert moved.parent_id == box
    taken_out = await items.update(book_id, {"parent_id": None})
    assert taken_out is not None
    assert taken_out.parent_id is None
    page, _ = await items.list(limit=10, offset=0)
    assert {item.name: item.parent_id for item in page} == {
        "shelf": None,
        "box": None,
        "book": None,
    }


async def test_a_parent_cannot_be_deleted_while_an_item_sits_under_it(items: ItemStore) -> None:
    shelf = (await items.add(name="shelf", description=None)).id
    book = (await items.add(name="book", description=None, parent_id=shelf)).id
    with pytest.raises(ItemInUseError):
        await items.delete(shelf)
    assert await items.get(shelf) is not None
    assert await items.delete(book)
    assert await items.delete(shelf)
    assert await items.get(shelf) is None
