"""The item domain: the rules that hold however items are stored or served.

Nothing here imports a web framework, an ORM or the app's configuration; a test enforces it.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


class DomainError(Exception):
    """A business rule said no."""


class ItemNotFoundError(DomainError):
    def __init__(self, item_id: int) -> None:
        super().__init__(f"Item {item_id} does not exist.")


class DuplicateItemNameError(DomainError):
    def __init__(self, name: str) -> None:
        super().__init__(f"An item named {name!r} already exists.")


class ItemPlacementError(DomainError):
    """An item cannot sit where it was put: its parent does not exist, or is the item itself
    or below it."""


class ItemHasChildrenError(DomainError):
    def __init__(self, item_id: int) -> None:
        super().__init__(f"Item {item_id} has items under it; move or delete them first.")


@dataclass
class Item:
    name: str
    description: str | None = None
    id: int | None = None
    parent_id: int | None = None
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)

    def change(self, **fields: str | None) -> None:
        """Apply a partial update of the item's own fields: ``name`` and ``description``."""
        unknown = set(fields) - {"name", "description"}
        if unknown:
            raise DomainError(f"Cannot change {', '.join(sorted(unknown))} of an item.")
        if "name" in fields:
            if not fields["name"]:
                raise DomainError("An item needs a name.")
            self.name = fields["name"]
        if "description" in fields:
            self.description = fields["description"]
        self.updated_at = utcnow()

    def move_under(self, parent: "Item | None", ancestors: list["Item"]) -> None:
        """Put the item under ``parent`` (None: under nothing). ``ancestors`` are the items
        above the parent, nearest first; the item must be neither the parent nor among them."""
        if parent is not None and self.id in {parent.id, *(item.id for item in ancestors)}:
            msg = f"Item {self.id} cannot sit under item {parent.id}, which is it or under it."
            raise ItemPlacementError(msg)
        self.parent_id = parent.id if parent is not None else None
        self.updated_at = utcnow()
