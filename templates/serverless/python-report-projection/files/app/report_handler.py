"""The report function's entry point (``app.report_handler.handler``): batches of the item
table's changes from its DynamoDB stream, applied to the items report.

A change that fails is reported back (a partial batch response: template.yaml's
ReportBatchItemFailures) and Lambda hands it over again, with the ones after it, until its
retries run out and it goes to the dead-letter queue. Changes applied before are skipped by the
projection, so a batch handed over again counts nothing twice.

``python -m app.report_handler events/dynamodb-stream.json`` (`make invoke-report`) hands it a
batch from a file, against the table the environment names.
"""

import os
import sys
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
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
from app.core.lambda_local import invoke_file
from app.modules.reports import ITEM_PREFIX, ItemChange, ReportProjection

logger = Logger(service="reports")
# X-Ray: a subsegment for each batch and one for each DynamoDB call (off outside Lambda).
tracer = Tracer(service="reports")
# CloudWatch metrics in the embedded metric format (log lines CloudWatch turns into metrics,
# no API call): the changes applied and those skipped, a batch at a time, under the namespace
# template.yaml gives (POWERTOOLS_METRICS_NAMESPACE).
metrics = Metrics(
    service="reports", namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "app")
)


class ReportFunction:
    """The handler, with its settings and DynamoDB client made once per container, on the
    first batch."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings
        self.projection: ReportProjection | None = None
        self.processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
        self.counts: dict[str, int] = {}  # the current batch's changes, applied and skipped
        # Every log line of a batch carries the request id and the function's name.
        self.handle: Callable[[dict[str, Any], LambdaContext], PartialItemFailureResponse] = (
            tracer.capture_lambda_handler(
                metrics.log_metrics(
                    logger.inject_lambda_context(self.handle_batch, clear_state=True)
                ),
                capture_response=False,
            )
        )

    def __call__(self, event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        return self.handle(event, context)

    def handle_batch(
        self, event: dict[str, Any], context: LambdaContext
    ) -> PartialItemFailureResponse:
        self.counts = dict.fromkeys(("ChangesApplied", "ChangesSkipped"), 0)
        try:
            return process_partial_response(
                event=event, record_handler=self.record, processor=self.processor, context=context
            )
        finally:  # a batch's figures, zeros included (the batch ran)
            for name, count in self.counts.items():
                metrics.add_metric(name=name, unit=MetricUnit.Count, value=count)

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
        self.counts["ChangesApplied" if applied else "ChangesSkipped"] += 1
        logger.info(
            "change applied" if applied else "change skipped (applied before, or no change)",
            extra={"event_id": record.event_id, "sequence_number": stream.sequence_number},
        )


handler = ReportFunction()


if __name__ == "__main__":
    invoke_file(handler, sys.argv[1], "report")
