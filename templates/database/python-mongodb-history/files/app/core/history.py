"""Each item's change history, kept in MongoDB beside the SQL database: one document per
change, holding the item as it was after it (or, for a deletion, before it)."""

from datetime import datetime
from typing import Literal, TypedDict, cast

from fastapi import Request

from app.core.mongo_client import connect, is_outage

Action = Literal["created", "updated", "deleted"]


class ItemEvent(TypedDict):
    item_id: int
    action: Action
    at: datetime
    name: str
    description: str | None


class History:
    name = "history"

    def __init__(self, url: str) -> None:
        self.client = connect(url)
        self.events = self.client.get_default_database()["item_events"]
        self._indexed = False

    async def start(self) -> None:
        """Makes the index as the app starts (or, if MongoDB is down then, on first use)."""
        await self._ready()

    async def _ready(self) -> None:
        """Makes the index the history is read by, once (idempotent)."""
        if not self._indexed:
            await self.events.create_index([("item_id", 1), ("at", -1)])
            self._indexed = True

    async def record(self, event: ItemEvent) -> None:
        await self._ready()
        await self.events.insert_one(dict(event))

    async def list(self, item_id: int, *, limit: int, offset: int) -> tuple[list[ItemEvent], int]:
        """One page of an item's events, newest first, and how many there are."""
        await self._ready()
        cursor = (
            self.events.find({"item_id": item_id}, {"_id": 0})
            .sort([("at", -1), ("_id", -1)])
            .skip(offset)
            .limit(limit)
        )
        events = [cast(ItemEvent, event) async for event in cursor]
        return events, await self.events.count_documents({"item_id": item_id})

    async def ping(self) -> None:
        await self.client.admin.command("ping")

    def is_outage(self, exc: BaseException) -> bool:
        return is_outage(exc)

    async def close(self) -> None:
        await self.client.close()


async def get_history(request: Request) -> History:
    return cast(History, request.app.state.resources[History.name])
