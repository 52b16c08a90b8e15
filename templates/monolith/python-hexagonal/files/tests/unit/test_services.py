import pytest

from app.domain.items import (
    DuplicateItemNameError,
    ItemHasChildrenError,
    ItemNotFoundError,
    ItemPlacementError,
)
from app.service_layer import services
from tests.unit.fakes import FakeItemRepository, FakeUnitOfWork


async def test_add_item_commits_and_assigns_an_id() -> None:
    uow = FakeUnitOfWork()
    item = await services.add_item(uow, "Kettle", None)
    assert item.id == 1
    assert uow.commits == 1
    assert (await services.get_item(uow, 1)).name == "Kettle"


async def test_a_taken_name_is_refused() -> None:
    uow = FakeUnitOfWork()
    await services.add_item(uow, "Kettle", None)
    with pytest.raises(DuplicateItemNameError):
        await services.add_item(uow, "Kettle", None)
    toaster = await services.add_item(uow, "Toaster", None)
    with pytest.raises(DuplicateItemNameError):
        await services.change_item(uow, toaster.id or 0, name="Kettle")


async def test_change_and_remove() -> None:
    uow = FakeUnitOfWork()
    item = await services.add_item(uow, "Kettle", "Steel")
    changed = await services.change_item(uow, item.id or 0, description="Copper")
    assert (changed.name, changed.description) == ("Kettle", "Copper")
    await services.remove_item(uow, item.id or 0)
    with pytest.raises(ItemNotFoundError):
        await services.get_item(uow, item.id or 0)
    with pytest.raises(ItemNotFoundError):
        await services.remove_item(uow, item.id or 0)
    assert uow.commits == 3


async def test_list_filters_and_pages() -> None:
    uow = FakeUnitOfWork()
    for name in ["Red lamp", "Blue LAMP", "Desk"]:
        await services.add_item(uow, name, None)
    items, total = await services.list_items(uow, limit=1, offset=0, name_contains="lamp")
    assert total == 2
    assert [i.name for i in items] == ["Red lamp"]


async def test_list_orders_by_the_fields_asked_for() -> None:
    uow = FakeUnitOfWork()
    for name in ["pear", "apple", "fig"]:
        await services.add_item(uow, name, None)
    by_name, _ = await services.list_items(uow, limit=10, offset=0, order_by=["-name"])
    assert [i.name for i in by_name] == ["pear", "fig", "apple"]
    by_id, _ = await services.list_items(uow, limit=2, offset=1, order_by=["-id"])
    assert [i.name for i in by_id] == ["apple", "pear"]


async def test_items_move_under_a_parent_in_one_change() -> None:
    uow = FakeUnitOfWork()
    shelf = await services.add_item(uow, "Shelf", None)
    book = await services.add_item(uow, "Book", None, parent_id=shelf.id)
    assert book.parent_id == shelf.id
    box = await services.add_item(uow, "Box", None)
    moved = await services.change_item(uow, book.id or 0, parent_id=box.id, name="Novel")
    assert (moved.parent_id, moved.name) == (box.id, "Novel")
    assert (await services.change_item(uow, book.id or 0, parent_id=None)).parent_id is None


async def test_a_parent_must_exist() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(ItemPlacementError, match="Item 7 does not exist"):
        await services.add_item(uow, "Book", None, parent_id=7)
    book = await services.add_item(uow, "Book", None)
    with pytest.raises(ItemPlacementError, match="Item 7 does not exist"):
        await services.change_item(uow, book.id or 0, parent_id=7)


async def test_an_item_cannot_sit_under_itself_or_below_it() -> None:
    uow = FakeUnitOfWork()
    shelf = await services.add_item(uow, "Shelf", None)
    box = await services.add_item(uow, "Box", None, parent_id=shelf.id)
    book = await services.add_item(uow, "Book", None, parent_id=box.id)
    for below in (shelf, box, book):
        with pytest.raises(ItemPlacementError, match="cannot sit under"):
            await services.change_item(uow, shelf.id or 0, parent_id=below.id)
    assert (await services.get_item(uow, shelf.id or 0)).parent_id is None


async def test_an_ancestor_that_is_gone_ends_the_walk_up() -> None:
    """A document store cannot rule out a parent deleted in a race: the check stops there."""
    uow = FakeUnitOfWork()
    shelf = await services.add_item(uow, "Shelf", None)
    box = await services.add_item(uow, "Box", None, parent_id=shelf.id)
    assert isinstance(uow.items, FakeItemRepository)
    uow.items.items.pop(shelf.id or 0)
    book = await services.add_item(uow, "Book", None)
    moved = await services.change_item(uow, book.id or 0, parent_id=box.id)
    assert moved.parent_id == box.id


async def test_a_parent_is_not_removed_while_items_sit_under_it() -> None:
    uow = FakeUnitOfWork()
    shelf = await services.add_item(uow, "Shelf", None)
    book = await services.add_item(uow, "Book", None, parent_id=shelf.id)
    with pytest.raises(ItemHasChildrenError, match="has items under it"):
        await services.remove_item(uow, shelf.id or 0)
    await services.remove_item(uow, book.id or 0)
    await services.remove_item(uow, shelf.id or 0)
    assert await uow.items.get(shelf.id or 0) is None
