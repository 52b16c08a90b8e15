"""Items in DynamoDB: the only module that reads or writes them.

One table, three kinds of record, told apart by the partition key ``pk``:
- ``item#<id>``: an item, with a ``version`` bumped by every write (optimistic concurrency);
- ``name#<name>``: the claim on a name, so no two items share one; it is written in the same
  transaction as the item (TransactWriteItems), the way AWS documents unique attributes;
- ``counter#items``: the last id handed out (an atomic ADD), so ids are integers as on SQL.

Listing scans the items and pages in memory: simple and exact (total, offset, "contains"),
and fine for thousands of items. A large table wants a query on an index instead.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from app.core.dynamodb import Database
from app.repositories.store import DuplicateNameError, ItemInUseError, StoredItem

ITEM_PREFIX = "item#"
# Records and writes as the client takes them (the store's own ``list`` shadows the builtin).
Records = list[dict[str, Any]]
_to_dynamo = TypeSerializer().serialize
_from_dynamo = TypeDeserializer().deserialize


def item_key(item_id: int) -> str:
    return f"{ITEM_PREFIX}{item_id}"


def name_key(name: str) -> str:
    return f"name#{name}"


def encode(record: dict[str, Any]) -> dict[str, Any]:
    return {key: _to_dynamo(value) for key, value in record.items()}


def decode(record: dict[str, Any]) -> dict[str, Any]:
    return {key: _from_dynamo(value) for key, value in record.items()}


def to_item(record: dict[str, Any]) -> StoredItem:
    return StoredItem(
        id=int(record["id"]),
        name=record["name"],
        description=record["description"],
        created_at=datetime.fromisoformat(record["created_at"]),
        updated_at=datetime.fromisoformat(record["updated_at"]),
        parent_id=int(record["parent_id"]) if record.get("parent_id") is not None else None,
    )


def sort_items(items: list[StoredItem], order_by: Sequence[str]) -> list[StoredItem]:
    """Items ordered as ``ItemStore.list`` orders them (a scan comes back in no order)."""
    # Python's sort is stable: sorting by the last key first leaves the first key in charge.
    for field in reversed([*order_by, "id"]):
        items.sort(key=attrgetter(field.removeprefix("-")), reverse=field.startswith("-"))
    return items


class DynamoItemStore:
    def __init__(self, database: Database, *, update_attempts: int = 5) -> None:
        self.database = database
        self.client = database.client
        self.table = database.table
        # How often a write retries when other writes keep beating it.
        self.update_attempts = update_attempts

    async def get(self, item_id: int) -> StoredItem | None:
        record = await self._read(item_id)
        return to_item(record) if record else None

    async def list(
        self,
        *,
        limit: int,
        offset: int,
        name_contains: str | None = None,
        order_by: Sequence[str] = (),
    ) -> tuple[Sequence[StoredItem], int]:
        records = await self.database.call(self._scan_items)
        items = [to_item(record) for record in records]
        if name_contains:
            needle = name_contains.lower()
            items = [item for item in items if needle in item.name.lower()]
        return sort_items(items, order_by)[offset : offset + limit], len(items)

    async def add(
        self, *, name: str, description: str | None, parent_id: int | None = None
    ) -> StoredItem:
        item_id = await self._next_id()
        now = datetime.now(UTC).isoformat()
        record = {
            "pk": item_key(item_id),
            "id": item_id,
            "name": name,
            "description": description,
            "parent_id": parent_id,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        put = {"TableName": self.table, "Item": encode(record), **ABSENT}
        await self._write([{"Put": put}, self._claim(record)], claims=True)
        return to_item(record)

    async def update(self, item_id: int, changes: dict[str, Any]) -> StoredItem | None:
        """Read, change, write back if nobody wrote in between; a new name is claimed and the
        old one released in the same transaction."""
        for _ in range(self.update_attempts):
            current = await self._read(item_id)
            if current is None:
                return None
            changed = current | {"updated_at": datetime.now(UTC).isoformat()} | changes
            changed["version"] = current["version"] + 1
            put = {"TableName": self.table, "Item": encode(changed), **self._unchanged(current)}
            writes: Records = [{"Put": put}]
            renamed = changed["name"] != current["name"]
            if renamed:
                writes += [self._claim(changed), self._release(current)]
            if await self._write(writes, claims=renamed):
                return to_item(changed)
        msg = f"item {item_id} kept changing during {self.update_attempts} attempts"
        raise RuntimeError(msg)

    async def delete(self, item_id: int) -> bool:
        """Refused while any item sits under this one (a scan finds them). There is no
        transaction around the check: an item put under this one in between would point at a
        parent that is gone (JSON:API's include leaves such a parent out)."""
        records = await self.database.call(self._scan_items)
        if any(record.get("parent_id") == item_id for record in records):
            raise ItemInUseError
        release = True
        for _ in range(self.update_attempts):
            current = await self._read(item_id)
            if current is None:
                return False
            remove = {
                "TableName": self.table,
                "Key": {"pk": {"S": current["pk"]}},
                **self._unchanged(current),
            }
            writes = [{"Delete": remove}, *([self._release(current)] if release else [])]
            try:
                if await self._write(writes, claims=True):
                    return True
            except DuplicateNameError:
                # The name's claim is not this item's (it never should be): the item goes
                # alone, and whoever holds the name keeps it.
                release = False
        msg = f"item {item_id} kept changing during {self.update_attempts} attempts"
        raise RuntimeError(msg)

    def _scan_items(self) -> Records:
        pages = self.client.get_paginator("scan").paginate(
            TableName=self.table,
            FilterExpression="begins_with(pk, :prefix)",
            ExpressionAttributeValues={":prefix": {"S": ITEM_PREFIX}},
            ConsistentRead=True,
        )
        return [decode(record) for page in pages for record in page.get("Items", [])]

    async def _read(self, item_id: int) -> dict[str, Any] | None:
        response = await self.database.call(
            self.client.get_item,
            TableName=self.table,
            Key={"pk": {"S": item_key(item_id)}},
            ConsistentRead=True,
        )
        return decode(response["Item"]) if "Item" in response else None

    async def _write(self, writes: Records, *, claims: bool) -> bool:
        """Runs one transaction: the item's own write first, then the claim on its name (or its
        release) if ``claims``. False when the item's condition failed (someone else wrote
        first); DuplicateNameError when the claim's did (the name is taken, or not this
        item's)."""
        try:
            await self.database.call(self.client.transact_write_items, TransactItems=writes)
        except self.client.exceptions.TransactionCanceledException as exc:
            failed = [
                reason.get("Code") == "ConditionalCheckFailed"
                for reason in exc.response.get("CancellationReasons", [])
            ]
            if failed[:1] == [True]:
                return False
            if claims and failed[1:2] == [True]:
                raise DuplicateNameError from exc
            raise
        return True

    def _claim(self, record: dict[str, Any]) -> dict[str, Any]:
        claim = {"pk": name_key(record["name"]), "item_id": record["id"]}
        return {"Put": {"TableName": self.table, "Item": encode(claim), **ABSENT}}

    def _release(self, record: dict[str, Any]) -> dict[str, Any]:
        return {
            "Delete": {
                "TableName": self.table,
                "Key": {"pk": {"S": name_key(record["name"])}},
                "ConditionExpression": "item_id = :id",
                "ExpressionAttributeValues": {":id": _to_dynamo(record["id"])},
            }
        }

    @staticmethod
    def _unchanged(record: dict[str, Any]) -> dict[str, Any]:
        return {
            "ConditionExpression": "version = :version",
            "ExpressionAttributeValues": {":version": _to_dynamo(record["version"])},
        }

    async def _next_id(self) -> int:
        """The next item id, from one atomic increment of the counter record."""
        response = await self.database.call(
            self.client.update_item,
            TableName=self.table,
            Key={"pk": {"S": "counter#items"}},
            UpdateExpression="ADD seq :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW",
        )
        return int(response["Attributes"]["seq"]["N"])


# The condition that makes a Put create, never overwrite.
ABSENT = {"ConditionExpression": "attribute_not_exists(pk)"}
