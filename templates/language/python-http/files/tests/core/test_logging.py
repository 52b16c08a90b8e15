import json
import logging

import pytest
from httpx import AsyncClient

from app.core.logging import configure_logging


def test_log_lines_are_json(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    logging.getLogger("app.test").info("hello", extra={"order_id": 7})
    record = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert record["message"] == "hello"
    assert record["level"] == "INFO"
    assert record["logger"] == "app.test"
    assert record["order_id"] == 7
    assert "time" in record


async def test_every_request_is_logged(
    client: AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO")
    await client.get("/healthz")
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    request = next(r for r in records if r["message"] == "request")
    assert request["method"] == "GET"
    assert request["path"] == "/healthz"
    assert request["status"] == 200
    assert request["duration_ms"] >= 0


def test_uvicorns_access_log_stays_off(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    logging.getLogger("uvicorn.access").info("GET /healthz 200")
    logging.getLogger("uvicorn.error").info("started")
    messages = [json.loads(line)["message"] for line in capsys.readouterr().out.splitlines()]
    assert messages == ["started"]
