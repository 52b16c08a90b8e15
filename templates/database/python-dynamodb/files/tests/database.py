"""DynamoDB's own fixtures (tests/conftest.py adds them to the ones every store shares): a
real DynamoDB-compatible server, over HTTP - DATABASE_URL when set (DynamoDB Local from
`docker compose up -d db`, CI's service container), else moto's server (a dev dependency, run
one request at a time by tests/moto_server.py) this test run starts on a free port and stops at
the end - and a table of the run's own there,
deleted at the end, so the table DYNAMODB_TABLE names is never touched.

Every test makes sure the table exists (as `python -m app.migrate` does) and starts with no
items.
"""

import contextlib
import importlib.util
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from app.core.config import Settings
from app.core.dynamodb import Database
from tests.tcp_proxy import free_port


@pytest.fixture(scope="session", autouse=True)
def local_credentials() -> Iterator[None]:
    """Local servers take any credentials; these keep the tests off any real AWS account."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "test")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "test")
        yield


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    if url := os.environ.get("DATABASE_URL"):
        yield url
        return
    if importlib.util.find_spec("moto") is None:
        pytest.fail("moto is not installed: run `make install`, or set DATABASE_URL")
    port = free_port()
    # A stand-in server, not the app: kept out of coverage's subprocess measurement.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_PROCESS_")}
    process = subprocess.Popen(  # noqa: S603 - our own dev dependency, fixed arguments
        [sys.executable, str(Path(__file__).with_name("moto_server.py")), "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session", autouse=True)
def own_table(local_credentials: None, database_url: str) -> Iterator[None]:
    """Every Settings the tests make (and the server tests/core/test_server.py starts) reads
    DYNAMODB_TABLE from the environment: it names `test_<table>_<random>` for the whole run."""
    table = f"test_{os.environ.get('DYNAMODB_TABLE') or 'items'}_{uuid.uuid4().hex[:8]}"
    client = boto3.client(
        "dynamodb",
        endpoint_url=database_url,
        region_name=Settings().aws_region,
        config=Config(connect_timeout=5, retries={"max_attempts": 1}),
    )
    try:
        client.list_tables(Limit=1)
    except (BotoCoreError, ClientError) as exc:
        pytest.exit(
            f"cannot reach DynamoDB at {database_url} ({type(exc).__name__}): start DynamoDB "
            "Local with `docker compose up -d db`, or leave DATABASE_URL unset to have the "
            "tests start moto",
            returncode=2,
        )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DYNAMODB_TABLE", table)
        yield
    with contextlib.suppress(client.exceptions.ResourceNotFoundException):  # (no test made it)
        client.delete_table(TableName=table)


def _wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"moto's server did not start on port {port}")


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    database = Database(
        settings.database_url, table=settings.dynamodb_table, region=settings.aws_region
    )
    await database.migrate()
    await _empty(database)
    yield database
    await database.close()


async def _empty(database: Database) -> None:
    """Removes every item and name claim (the id counter stays: ids only ever grow)."""
    pages = database.client.get_paginator("scan").paginate(
        TableName=database.table, ProjectionExpression="pk"
    )
    for page in pages:
        for record in page.get("Items", []):
            if not record["pk"]["S"].startswith("counter#"):
                database.client.delete_item(TableName=database.table, Key={"pk": record["pk"]})


@pytest.fixture
def unreachable_settings(settings: Settings) -> Settings:
    """Settings pointing at an endpoint that cannot be reached (for the readiness check)."""
    return settings.model_copy(update={"database_url": "http://127.0.0.1:1"})
