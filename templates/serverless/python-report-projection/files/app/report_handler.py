"""The report function's entry point (``app.report_handler.handler``): batches of the item
table's changes from its DynamoDB stream, applied to the items report.

A change that fails is reported back (a partial batch response: template.yaml's
ReportBatchItemFailures) and Lambda hands it over again, with the ones after it, until its
retries run out and it goes to the dead-letter queue. Changes applied before are skipped by the
projection, so a batch handed over again counts nothing twice.

``python -m app.report_handler events/dynamodb-stream.json`` (`make invoke-report`) hands it a
batch from a file, against the table the environment names.
"""

import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from app.core.config import Settings
from app.core.dynamodb import Database
from app.modules.reports import ITEM_PREFIX, ItemChange, ReportProjection

logger = Logger(service="reports")


class ReportFunction:
    """The handler, with its settings and DynamoDB client made once per container, on the
    first batch."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings
        self.projection: ReportProjection | None = None
        self.processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
        # Every log line of a batch carries the request id and the function's name.
        self.handle = logger.inject_lambda_context(self._handle, clear_state=True)

    def __call__(self, event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        return self.handle(event, context)

    def _handle(self, event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        return process_partial_response(
            event=event, record_handler=self.record, processor=self.processor, context=context
        )

    def container_projection(self) -> ReportProjection:
        if self.projection is None:
            settings = self.settings or Settings()
            database = Database(
                settings.database_url, table=settings.dynamodb_table, region=settings.aws_region
            )
            self.projection = ReportProjection(database)
        return self.projection

    def record(self, record: DynamoDBRecord) -> None:
        stream = record.dynamodb
        # The event source mapping lets only items' changes through; anything else is skipped
        # here as well, for batches handed over by hand.
        if stream is None or not str(stream.keys.get("pk", "")).startswith(ITEM_PREFIX):
            return
        change = ItemChange.between(str(record.event_id), stream.old_image, stream.new_image)
        applied = self.container_projection().apply(change)
        logger.info(
            "change applied" if applied else "change skipped (applied before, or no change)",
            extra={"event_id": record.event_id, "sequence_number": stream.sequence_number},
        )


handler = ReportFunction()


def main(path: str) -> None:
    """Hands the batch in the file at ``path`` to the handler; prints the failures reported."""
    context = SimpleNamespace(
        function_name="report",
        memory_limit_in_mb=512,
        invoked_function_arn="arn:aws:lambda:local:000000000000:function:report",
        aws_request_id="local",
    )
    event = json.loads(Path(path).read_text(encoding="utf-8"))
    print(json.dumps(handler(event, context)))  # type: ignore[arg-type]


if __name__ == "__main__":
    main(sys.argv[1])
