"""The HTTP side of the use cases: request schemas in, response schemas out, domain errors
turned into problem details."""

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from app.core.problems import ConflictError, NotFoundError, UnprocessableError
from app.domain.items import (
    DomainError,
    DuplicateItemNameError,
    ItemHasChildrenError,
    ItemNotFoundError,
    ItemPlacementError,
)
from app.domain.ports import AbstractUnitOfWork
from app.schemas.items import ItemCreate, ItemRead, ItemUpdate
from app.service_layer import services

T = TypeVar("T")


async def _http_errors(call: Callable[[], Awaitable[T]]) -> T:
    try:
        return await call()
    except ItemNotFoundError as exc:
        raise NotFoundError(str(exc)) from exc
    except (DuplicateItemNameError, ItemHasChildrenError, ItemPlacementError) as exc:
        raise ConflictError(str(exc)) from exc
    except DomainError as exc:
        raise UnprocessableError(str(exc)) from exc


class ItemHandlers:
    def __init__(self, uow: AbstractUnitOfWork) -> None:
        self.uow = uow

    async def get(self, item_id: int) -> ItemRead:
        item = await _http_errors(lambda: services.get_item(self.uow, item_id))
        return ItemRead.model_validate(item)

    async def list(
        self,
        *,
        limit: int,
        offset: int,
        name_contains: str | None = None,
        order_by: Sequence[str] = (),
    ) -> tuple[list[ItemRead], int]:
        items, total = await services.list_items(
            self.uow, limit=limit, offset=offset, name_contains=name_contains, order_by=order_by
        )
        return [ItemRead.model_validate(item) for item in items], total

    async def create(self, data: ItemCreate) -> ItemRead:
        item = await _http_errors(
            lambda: services.add_item(self.uow, data.name, data.description, data.parent_id)
        )
        return ItemRead.model_validate(item)

    async def update(self, item_id: int, data: ItemUpdate) -> ItemRead:
        fields = data.model_dump(exclude_unset=True)
        item = await _http_errors(lambda: services.change_item(self.uow, item_id, **fields))
        return ItemRead.model_validate(item)

    async def delete(self, item_id: int) -> None:
        await _http_errors(lambda: services.remove_item(self.uow, item_id))
