"""The store adapters against the real database server (DATABASE_URL, or the test server); what
every adapter must do is in test_unit_of_work.py."""

import pytest

from app.adapters.unit_of_work import StoreUnitOfWork
from app.domain.items import ItemNotFoundError
from app.repositories.store import ItemStore
from app.service_layer import services


async def test_a_save_writes_only_what_the_use_case_changed(items: ItemStore) -> None:
    # Two requests read the same item; each changes a different field. Both changes stay.
    added = await services.add_item(StoreUnitOfWork(items), "Chair", None)
    first, second = StoreUnitOfWork(items), StoreUnitOfWork(items)
    first_copy = await services.get_item(first, added.id or 0)
    second_copy = await services.get_item(second, added.id or 0)
    first_copy.change(description="Oak")
    second_copy.change(name="Armchair")
    await first.items.save(first_copy)
    await second.items.save(second_copy)
    stored = await items.get(added.id or 0)
    assert stored is not None
    assert (stored.name, stored.description) == ("Armchair", "Oak")


async def test_list_delete_and_saving_a_deleted_item(items: ItemStore) -> None:
    uow = StoreUnitOfWork(items)
    stool = await services.add_item(uow, "Stool", "Pine")
    found, total = await uow.items.list(limit=10, offset=0, name_contains="STOO")
    assert (total, [item.name for item in found]) == (1, ["Stool"])
    await services.remove_item(uow, stool.id or 0)
    assert await uow.items.get(stool.id or 0) is None
    stool.change(description="Gone")
    with pytest.raises(ItemNotFoundError):
        await uow.items.save(stool)
