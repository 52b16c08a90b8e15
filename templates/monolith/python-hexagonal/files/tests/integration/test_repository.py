"""The SQLAlchemy adapters against the real database (DATABASE_URL, or SQLite)."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.adapters.repository import SqlAlchemyItemRepository
from app.adapters.unit_of_work import SqlAlchemyUnitOfWork
from app.domain.items import DuplicateItemNameError, Item


async def test_add_then_get_round_trips_the_domain_object(session: AsyncSession) -> None:
    repository = SqlAlchemyItemRepository(session)
    added = await repository.add(Item(name="Lamp", description="Bright"))
    assert added.id is not None
    fetched = await repository.get(added.id)
    assert fetched == added
    assert fetched is not None
    assert fetched.created_at.tzinfo is not None


async def test_duplicate_names_become_a_domain_error(session: AsyncSession) -> None:
    uow = SqlAlchemyUnitOfWork(session)
    await uow.items.add(Item(name="Lamp"))
    await uow.commit()
    with pytest.raises(DuplicateItemNameError):
        await uow.items.add(Item(name="Lamp"))
    desk = await uow.items.add(Item(name="Desk"))
    desk.change(name="Lamp")
    with pytest.raises(DuplicateItemNameError):
        await uow.items.save(desk)


async def test_save_delete_and_list(session: AsyncSession) -> None:
    uow = SqlAlchemyUnitOfWork(session)
    item = await uow.items.add(Item(name="Chair"))
    item.change(description="Oak")
    await uow.items.save(item)
    await uow.commit()
    items, total = await uow.items.list(limit=10, offset=0, name_contains="chai")
    assert total == 1
    assert items[0].description == "Oak"
    await uow.items.delete(item.id or 0)
    await uow.rollback()
    assert await uow.items.get(item.id or 0) is not None
    await uow.items.delete(item.id or 0)
    await uow.commit()
    assert await uow.items.get(item.id or 0) is None
