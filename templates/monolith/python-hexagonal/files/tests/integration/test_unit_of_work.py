"""What every adapter behind the ports must do, against the real database."""

import pytest

from app.domain.items import DuplicateItemNameError, Item
from app.domain.ports import AbstractUnitOfWork


async def test_add_then_get_round_trips_the_domain_object(uow: AbstractUnitOfWork) -> None:
    added = await uow.items.add(Item(name="Lamp", description="Bright"))
    await uow.commit()
    assert added.id is not None
    fetched = await uow.items.get(added.id)
    assert fetched == added
    assert fetched is not None
    assert fetched.created_at.tzinfo is not None


async def test_duplicate_names_become_a_domain_error(uow: AbstractUnitOfWork) -> None:
    await uow.items.add(Item(name="Lamp"))
    desk = await uow.items.add(Item(name="Desk"))
    await uow.commit()
    with pytest.raises(DuplicateItemNameError):
        await uow.items.add(Item(name="Lamp"))
    desk.change(name="Lamp")
    with pytest.raises(DuplicateItemNameError):
        await uow.items.save(desk)
    await uow.rollback()
    stored = await uow.items.get(desk.id or 0)
    assert stored is not None
    assert stored.name == "Desk"
