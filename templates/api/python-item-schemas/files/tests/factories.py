"""Build items for tests directly in the store, bypassing the API."""

from itertools import count
from typing import Any

from app.repositories.store import ItemRecord, ItemStore

_sequence = count(1)


async def create_item(items: ItemStore, **overrides: Any) -> ItemRecord:
    fields: dict[str, Any] = {"name": f"item-{next(_sequence)}", "description": "An example."}
    return await items.add(**(fields | overrides))
