import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.problems import ConflictError, NotFoundError
{%- set module = cookiecutter.data.python_item_service.module %}
{%- if module < "app.schemas" %}
from {{ module }} import ItemService
{%- endif %}
from app.schemas.items import ItemCreate, ItemUpdate
{%- if module > "app.schemas" %}
from {{ module }} import ItemService
{%- endif %}
from tests.factories import create_item


async def test_create_then_get(session: AsyncSession) -> None:
    service = ItemService(session)
    created = await service.create(ItemCreate(name="Kettle"))
    assert (await service.get(created.id)).name == "Kettle"


async def test_a_conflict_leaves_the_session_usable(session: AsyncSession) -> None:
    service = ItemService(session)
    await create_item(session, name="Kettle")
    with pytest.raises(ConflictError):
        await service.create(ItemCreate(name="Kettle"))
    assert (await service.create(ItemCreate(name="Toaster"))).id is not None


async def test_update_missing_raises_not_found(session: AsyncSession) -> None:
    with pytest.raises(NotFoundError):
        await ItemService(session).update(424242, ItemUpdate(name="x"))


async def test_list_counts_all_matches_beyond_the_page(session: AsyncSession) -> None:
    for n in range(3):
        await create_item(session, name=f"mug-{n}")
    items, total = await ItemService(session).list(limit=1, offset=0, name_contains="mug")
    assert len(items) == 1
    assert total == 3
