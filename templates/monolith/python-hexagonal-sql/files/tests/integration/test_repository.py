"""The SQLAlchemy adapters against the real database (DATABASE_URL, or SQLite); what every
adapter must do is in test_unit_of_work.py."""

from app.domain.items import Item
from app.domain.ports import AbstractUnitOfWork


async def test_save_delete_and_list_and_a_rollback_undoes_the_uncommitted(
    uow: AbstractUnitOfWork,
) -> None:
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
