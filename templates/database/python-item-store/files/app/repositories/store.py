"""What the item service needs of a store, whichever database holds the items. Each write is
committed (or not) when the call returns."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


class DuplicateNameError(Exception):
    """A write would give two items the same name."""


class ItemInUseError(Exception):
    """The item is the parent of other items, so it cannot be deleted."""


class ItemRecord(Protocol):
    """A stored item, as any store hands it back."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str | None: ...
    @property
    def parent_id(self) -> int | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...


@dataclass(frozen=True)
class StoredItem:
    """An ItemRecord as a plain value (what the document stores hand back)."""

    id: int
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime
    parent_id: int | None = None


class ItemStore(Protocol):
    async def get(self, item_id: int) -> ItemRecord | None: ...

    async def list(
        self,
        *,
        limit: int,
        offset: int,
        name_contains: str | None = None,
        order_by: Sequence[str] = (),
    ) -> tuple[Sequence[ItemRecord], int]:
        """One page of items and the total matching the filter. ``order_by`` names fields of
        ItemRecord (id, name, created_at or updated_at), each prefixed with ``-`` for
        descending order; ties, and an empty ``order_by``, go by id."""
        ...

    async def add(
        self, *, name: str, description: str | None, parent_id: int | None = None
    ) -> ItemRecord:
        """Raises DuplicateNameError when the name is taken. The caller has checked that the
        parent exists."""
        ...

    async def update(self, item_id: int, changes: dict[str, Any]) -> ItemRecord | None:
        """None when there is no such item; DuplicateNameError when the new name is taken."""
        ...

    async def delete(self, item_id: int) -> bool:
        """False when there was no such item; ItemInUseError when it is another's parent."""
        ...
