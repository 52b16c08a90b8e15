import pytest

from app.api.handlers import ItemHandlers
from app.core.problems import ConflictError, NotFoundError, UnprocessableError
from app.schemas.items import ItemCreate, ItemUpdate
from tests.unit.fakes import FakeUnitOfWork


async def test_domain_errors_become_their_problems() -> None:
    handlers = ItemHandlers(FakeUnitOfWork())
    lamp = await handlers.create(ItemCreate(name="Lamp"))
    with pytest.raises(NotFoundError):
        await handlers.get(999)
    with pytest.raises(ConflictError):
        await handlers.create(ItemCreate(name="Lamp"))
    # A rule only the domain knows (the schema would stop this one at the edge).
    with pytest.raises(UnprocessableError, match="needs a name"):
        await handlers.update(lamp.id, ItemUpdate.model_construct(name="", _fields_set={"name"}))
    shelf = await handlers.create(ItemCreate(name="Shelf", parent_id=lamp.id))
    with pytest.raises(ConflictError, match="has items under it"):
        await handlers.delete(lamp.id)
    with pytest.raises(ConflictError, match="cannot sit under"):
        await handlers.update(lamp.id, ItemUpdate(parent_id=shelf.id))
