"""The API function traced on X-Ray, for real (tests/xray.py): its invocation and the DynamoDB
calls the app makes while serving it."""

import pytest

from app.core.config import Settings
from tests.xray import traced_run


@pytest.mark.usefixtures("database")  # the table, migrated
def test_the_invocation_and_its_dynamodb_calls_are_traced(settings: Settings) -> None:
    sample = {{ cookiecutter.data.function.event | quote }}
    trace_id, documents = traced_run(settings, "app.handler", sample)

    assert documents
    assert {document["trace_id"] for document in documents} == {trace_id}
    by_name = {document["name"]: document for document in documents}
    assert by_name["## handler"]["annotations"] == {"ColdStart": True, "Service": "api"}
    dynamodb = by_name["dynamodb"]
    assert dynamodb["namespace"] == "aws"
    assert dynamodb["aws"]["table_name"] == settings.dynamodb_table
