"""Items in MongoDB: the only module that queries them. Ids are integers handed out by a
counter document, so the API is the same as on the SQL stores."""

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from app.core.mongo import Database
from app.repositories.store import DuplicateNameError, ItemInUseError, StoredItem

# Store fields whose document key differs: the id sorts as seq (see add).
SORT_KEYS = {"id": "seq"}


def now() -> datetime:
    """The time as BSON stores it: UTC, to the millisecond, so what is written reads back equal."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def to_item(document: dict[str, Any]) -> StoredItem:
    return StoredItem(
        id=document["_id"],
        name=document["name"],
        description=document["description"],
        created_at=document["created_at"],
        updated_at=document["updated_at"],
        parent_id=document.get("parent_id"),  # absent from items stored before parents
    )


class MongoItemStore:
    def __init__(self, database: Database, *, update_attempts: int = 5) -> None:
        self.items = database.db["items"]
        self.counters = database.db["counters"]
        # How often a write retries when other writes keep beating it.
        self.update_attempts = update_attempts

    async def get(self, item_id: int) -> StoredItem | None:
        document = await self.items.find_one({"_id": item_id})
        return to_item(document) if document else None

    async def list(
        self,
        *,
        limit: int,
        offset: int,
        name_contains: str | None = None,
        order_by: Sequence[str] = (),
    ) -> tuple[Sequence[StoredItem], int]:
        # The text is matched literally, case-insensitively: regex syntax in it is escaped.
        query: dict[str, Any] = {}
        if name_contains:
            query["name"] = {"$regex": re.escape(name_contains), "$options": "i"}
        sort: dict[str, int] = {}  # the first mention of a key decides its direction
        for field in [*order_by, "id"]:
            key = field.removeprefix("-")
            sort.setdefault(SORT_KEYS.get(key, key), -1 if field != key else 1)
        cursor = self.items.find(query).sort(list(sort.items())).skip(offset).limit(limit)
        items = [to_item(document) async for document in cursor]
        return items, await self.items.count_documents(query)

    async def add(
        self, *, name: str, description: str | None, parent_id: int | None = None
    ) -> StoredItem:
        created = now()
        item_id = await self._next_id()
        document = {
            "_id": item_id,
            # The id again, to sort by: nx-27017 (the stand-in stackgen verifies with) orders
            # _id as text, so 10 would come before 9; every server orders this numerically.
            "seq": item_id,
            "name": name,
            "description": description,
            "parent_id": parent_id,
            "created_at": created,
            "updated_at": created,
            "version": 1,
        }
        try:
            await self.items.insert_one(document)
        except DuplicateKeyError as exc:
            raise DuplicateNameError from exc
        return to_item(document)

    async def update(self, item_id: int, changes: dict[str, Any]) -> StoredItem | None:
        """Read, change, replace if nobody wrote in between (optimistic concurrency on
        ``version``). A whole-document replace rather than ``$set``: it keeps BSON dates on
        every MongoDB-compatible server stackgen tests with, and reports a duplicate name."""
        for _ in range(self.update_attempts):
            current = await self.items.find_one({"_id": item_id})
            if current is None:
                return None
            version = current["version"]
            changed = current | {"updated_at": now()} | changes
            changed["version"] = version + 1
            try:
                result = await self.items.replace_one({"_id": item_id, "version": version}, changed)
            except DuplicateKeyError as exc:
                raise DuplicateNameError from exc
            if result.matched_count:
                return to_item(changed)
        msg = f"item {item_id} kept changing during {self.update_attempts} attempts"
        raise RuntimeError(msg)

    async def delete(self, item_id: int) -> bool:
        """Refused while any item sits under this one. There is no transaction around the check:
        an item put under this one in between would point at a parent that is gone (JSON:API's
        include leaves such a parent out)."""
        if await self.items.find_one({"parent_id": item_id}, {"_id": 1}):
            raise ItemInUseError
        result = await self.items.delete_one({"_id": item_id})
        return result.deleted_count > 0

    async def _next_id(self) -> int:
        """The next item id, from one atomic increment of the counter document."""
        counter = await self.counters.find_one_and_update(
            {"_id": "items"},
            {"$inc": {"seq": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        if counter is None:  # an upsert returning the document after it always has one
            raise RuntimeError("the items counter was not returned")
        return int(counter["seq"])
