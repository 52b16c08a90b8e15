import pytest

from app.core.problems import ConflictError, NotFoundError
{%- set module = cookiecutter.data.python_item_service.module %}
{%- if module < "app.repositories" %}
from {{ module }} import ItemService
{%- endif %}
from app.repositories.store import ItemStore
from app.schemas.items import ItemCreate, ItemUpdate
{%- if module > "app.schemas" %}
from {{ module }} import ItemService
{%- endif %}
from tests.factories import create_item


async def test_create_then_get(items: ItemStore) -> None:
    service = ItemService(items)
    created = await service.create(ItemCreate(name="Kettle"))
    assert (await service.get(created.id)).name == "Kettle"


async def test_a_conflict_leaves_the_store_usable(items: ItemStore) -> None:
    service = ItemService(items)
    await create_item(items, name="Kettle")
    with pytest.raises(ConflictError):
        await service.create(ItemCreate(name="Kettle"))
    assert (await service.create(ItemCreate(name="Toaster"))).id is not None


async def test_update_missing_raises_not_found(items: ItemStore) -> None:
    with pytest.raises(NotFoundError):
        await ItemService(items).update(424242, ItemUpdate(name="x"))


async def test_list_counts_all_matches_beyond_the_page(items: ItemStore) -> None:
    for n in range(3):
        await create_item(items, name=f"mug-{n}")
    page, total = await ItemService(items).list(limit=1, offset=0, name_contains="mug")
    assert len(page) == 1
    assert total == 3


async def test_a_parent_must_exist_and_not_sit_below_the_item(items: ItemStore) -> None:
    service = ItemService(items)
    with pytest.raises(ConflictError, match="Item 424242 does not exist"):
        await service.create(ItemCreate(name="Book", parent_id=424242))
    shelf = await service.create(ItemCreate(name="Shelf"))
    box = await service.create(ItemCreate(name="Box", parent_id=shelf.id))
    book = await service.create(ItemCreate(name="Book", parent_id=box.id))
    for below in (shelf, box, book):
        with pytest.raises(ConflictError, match="cannot sit under"):
            await service.update(shelf.id, ItemUpdate(parent_id=below.id))
    with pytest.raises(ConflictError, match="Item 424242 does not exist"):
        await service.update(book.id, ItemUpdate(parent_id=424242))
    moved = await service.update(book.id, ItemUpdate(parent_id=shelf.id, name="Novel"))
    assert (moved.parent_id, moved.name) == (shelf.id, "Novel")


async def test_a_parent_is_not_deleted_while_items_sit_under_it(items: ItemStore) -> None:
    service = ItemService(items)
    shelf = await service.create(ItemCreate(name="Shelf"))
    book = await service.create(ItemCreate(name="Book", parent_id=shelf.id))
    with pytest.raises(ConflictError, match="has items under it"):
        await service.delete(shelf.id)
    await service.delete(book.id)
    await service.delete(shelf.id)
    with pytest.raises(NotFoundError):
        await service.get(shelf.id)
