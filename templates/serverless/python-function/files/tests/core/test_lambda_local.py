"""Invoking a handler by hand (`make invoke-api`, `make invoke-report`)."""

import json
from pathlib import Path
from typing import Any

import pytest

from app.core.lambda_local import invoke_file


def test_the_handler_gets_the_files_event_and_its_answer_is_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = tmp_path / "event.json"
    sample.write_text('{"rawPath": "/healthz"}', encoding="utf-8")
    seen: list[tuple[Any, str, str]] = []

    def handler(event: Any, context: Any) -> dict[str, int]:
        seen.append((event, context.function_name, context.aws_request_id))
        return {"statusCode": 200}

    invoke_file(handler, str(sample), "api")
    invoke_file(handler, str(sample), "api")
    assert [(event, name) for event, name, _ in seen] == [({"rawPath": "/healthz"}, "api")] * 2
    assert seen[0][2] != seen[1][2]  # a request id of its own for each invocation
    answers = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert answers == [{"statusCode": 200}] * 2
