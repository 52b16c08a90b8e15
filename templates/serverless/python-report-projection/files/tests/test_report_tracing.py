"""The report function traced on X-Ray, for real (tests/xray.py): its batch and the DynamoDB
transactions that apply the batch's changes."""

import pytest

from app.core.config import Settings
from tests.xray import traced_run


@pytest.mark.usefixtures("database")  # the table, migrated
def test_the_batch_and_its_dynamodb_calls_are_traced(settings: Settings) -> None:
    trace_id, documents = traced_run(settings, "app.report_handler", "events/dynamodb-stream.json")

    assert {document["trace_id"] for document in documents} == {trace_id}
    by_name = {document["name"]: document for document in documents}
    assert by_name["## handle_batch"]["annotations"] == {"ColdStart": True, "Service": "reports"}
    operations = {
        document["aws"]["operation"] for document in documents if document["name"] == "dynamodb"
    }
    assert "TransactWriteItems" in operations
