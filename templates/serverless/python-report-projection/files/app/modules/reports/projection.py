"""The items report as a projection: figures kept up to date by the report function
(app/report_handler.py) from the item table's change stream, and read back in one GetItem
instead of a scan of every item.

Each change is applied once in effect: the figures move in the same transaction that records
the change's stream event id (an ``applied#<id>`` record), and that transaction fails when the
id is already recorded, so a batch Lambda hands over again counts nothing twice. The records
expire (the table's time to live) after two days, when the stream, which keeps a change for 24
hours, can no longer hand it over.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.core.dynamodb import Database
from app.modules.reports.service import ItemReport, ReportService

REPORT_KEY = "report#items"
APPLIED_PREFIX = "applied#"
ITEM_PREFIX = "item#"
# The attribute the table's time to live reads (template.yaml), and how long a record lasts.
EXPIRES = "expires_at"
APPLIED_KEPT = timedelta(days=2)


@dataclass(frozen=True)
class ItemChange:
    """How one change of an item moves the figures."""

    event_id: str
    total: int
    described: int

    @classmethod
    def between(
        cls, event_id: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
    ) -> "ItemChange":
        """The change from ``old`` to ``new`` (either empty: the item was created or deleted)."""

        def figures(image: Mapping[str, Any] | None) -> tuple[int, int]:
            return (1, 1 if image.get("description") else 0) if image else (0, 0)

        (old_total, old_described), (new_total, new_described) = figures(old), figures(new)
        return cls(event_id, new_total - old_total, new_described - old_described)


class ReportProjection:
    def __init__(self, database: Database) -> None:
        self.database = database

    def apply(self, change: ItemChange) -> bool:
        """Moves the figures by ``change`` unless its event was applied before (then False).
        Synchronous: the report function handles one record at a time."""
        if not (change.total or change.described):
            return False
        client, table = self.database.client, self.database.table
        expires = int((datetime.now(UTC) + APPLIED_KEPT).timestamp())
        applied = {"pk": {"S": f"{APPLIED_PREFIX}{change.event_id}"}, EXPIRES: {"N": str(expires)}}
        try:
            client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": table,
                            "Item": applied,
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {
                        "Update": {
                            "TableName": table,
                            "Key": {"pk": {"S": REPORT_KEY}},
                            "UpdateExpression": "ADD #total :total, #described :described",
                            "ExpressionAttributeNames": {
                                "#total": "total",
                                "#described": "described",
                            },
                            "ExpressionAttributeValues": {
                                ":total": {"N": str(change.total)},
                                ":described": {"N": str(change.described)},
                            },
                        }
                    },
                ]
            )
        except client.exceptions.TransactionCanceledException as exc:
            reasons = exc.response.get("CancellationReasons", [])
            if reasons[:1] and reasons[0].get("Code") == "ConditionalCheckFailed":
                return False
            raise
        return True

    async def read(self) -> ItemReport:
        response = await self.database.call(
            self.database.client.get_item,
            TableName=self.database.table,
            Key={"pk": {"S": REPORT_KEY}},
            ConsistentRead=True,
        )
        record = response.get("Item", {})
        return ItemReport(
            total=int(record.get("total", {}).get("N", "0")),
            described=int(record.get("described", {}).get("N", "0")),
        )


class ProjectedReportService(ReportService):
    """The reports module's service, its figures read from the projection, not counted."""

    def __init__(self, projection: ReportProjection) -> None:  # (no items to page through)
        self.projection = projection

    async def items_report(self) -> ItemReport:
        return await self.projection.read()
