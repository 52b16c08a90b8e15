"""The item table's DynamoDB stream, read as Lambda reads it for the report function: the
changes written since a test began, handed over as the batch event Lambda sends."""

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse

from app.core.config import Settings
from app.core.dynamodb import Database
from app.report_handler import ReportFunction
from tests.host import lambda_context

ApplyChanges = Callable[[], PartialItemFailureResponse]


class TableStream:
    """The stream of a table; ``batch()`` is every change since the last call (or since the
    stream was opened), in the order of each shard."""

    def __init__(self, database: Database, endpoint: str, region: str) -> None:
        self.client = boto3.client("dynamodbstreams", endpoint_url=endpoint, region_name=region)
        table = database.client.describe_table(TableName=database.table)["Table"]
        self.arn: str = table["LatestStreamArn"]
        self.after: dict[str, str] = {}  # the last sequence number read, by shard
        self.batch()  # what came before is not this test's

    def batch(self) -> dict[str, Any]:
        records: list[dict[str, Any]] = []
        shards = self.client.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]
        for shard in shards:
            shard_id = shard["ShardId"]
            position: dict[str, Any] = {"ShardIteratorType": "TRIM_HORIZON"}
            if shard_id in self.after:
                position = {
                    "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                    "SequenceNumber": self.after[shard_id],
                }
            iterator = self.client.get_shard_iterator(
                StreamArn=self.arn, ShardId=shard_id, **position
            )["ShardIterator"]
            while iterator:
                page = self.client.get_records(ShardIterator=iterator)
                if not page["Records"]:
                    break
                records += page["Records"]
                self.after[shard_id] = page["Records"][-1]["dynamodb"]["SequenceNumber"]
                iterator = page.get("NextShardIterator", "")
        return {"Records": [self.as_lambda_sends(record) for record in records]}

    def as_lambda_sends(self, record: Any) -> dict[str, Any]:
        """A record as the event carries it: with the stream's ARN, its time in seconds."""
        change = dict(record["dynamodb"])
        change["ApproximateCreationDateTime"] = change["ApproximateCreationDateTime"].timestamp()
        return {**record, "dynamodb": change, "eventSourceARN": self.arn}


@pytest.fixture
def table_stream(settings: Settings, database: Database) -> TableStream:
    return TableStream(database, settings.database_url, settings.aws_region)


@pytest.fixture
def apply_changes(settings: Settings, table_stream: TableStream) -> ApplyChanges:
    """Hands the report function the changes written since the last call, as Lambda does."""
    function = ReportFunction(settings)

    def apply() -> PartialItemFailureResponse:
        batch = table_stream.batch()
        if not batch["Records"]:  # Lambda invokes the function with changes only
            return {"batchItemFailures": []}
        return function(batch, lambda_context())  # type: ignore[arg-type]

    return apply
