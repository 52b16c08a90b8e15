"""Build rows for tests directly in the database, bypassing the API."""

from itertools import count
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Item

_sequence = count(1)


async def create_item(session: AsyncSession, **overrides: Any) -> Item:
    fields: dict[str, Any] = {"name": f"item-{next(_sequence)}", "description": "An example."}
    item = Item(**(fields | overrides))
    session.add(item)
    # Commits only the test's savepoint; the test's outer transaction is still rolled back.
    await session.commit()
    return item
