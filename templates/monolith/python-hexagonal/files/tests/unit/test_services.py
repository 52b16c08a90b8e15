import pytest

from app.domain.items import DuplicateItemNameError, ItemNotFoundError
from app.service_layer import services
from tests.unit.fakes import FakeUnitOfWork


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
