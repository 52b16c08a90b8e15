"""Ports: what the domain needs from the outside world, as abstract interfaces."""

import abc
from collections.abc import Sequence

from app.domain.items import Item


class AbstractItemRepository(abc.ABC):
    @abc.abstractmethod
    async def get(self, item_id: int) -> Item | None: ...

    @abc.abstractmethod
    async def list(
        self,
        *,
        limit: int,
        offset: int,
        name_contains: str | None = None,
        order_by: Sequence[str] = (),
    ) -> tuple[list[Item], int]: ...

    @abc.abstractmethod
    async def add(self, item: Item) -> Item:
        """Store a new item; raise DuplicateItemNameError if its name is taken."""

    @abc.abstractmethod
    async def save(self, item: Item) -> Item:
        """Store changes to an existing item; raise DuplicateItemNameError likewise."""

    @abc.abstractmethod
    async def delete(self, item_id: int) -> None: ...


class AbstractUnitOfWork(abc.ABC):
    """One business transaction: the repositories it uses, committed or rolled back whole."""

    items: AbstractItemRepository

    @abc.abstractmethod
    async def commit(self) -> None: ...

    @abc.abstractmethod
    async def rollback(self) -> None: ...
