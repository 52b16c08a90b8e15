"""The item history's database of the test run's own (tests/conftest.py uses it): on the server
MONGODB_URL names, else the compose one, dropped at the end, so the data in the database
MONGODB_URL names is never touched."""

import os
from collections.abc import Iterator

import pytest

from tests.mongodb_server import throwaway_database

# The compose server: where the tests make their database when MONGODB_URL names no other.
TEST_SERVER = "mongodb://127.0.0.1:27017/app"


@pytest.fixture(scope="session", autouse=True)
def history_database() -> Iterator[str]:
    """Every Settings the tests make (and the server tests/core/test_server.py starts) reads
    MONGODB_URL from the environment: it names this database for the whole run."""
    server = os.environ.get("MONGODB_URL") or TEST_SERVER
    with (
        throwaway_database(server, setting="MONGODB_URL", service="mongodb") as url,
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setenv("MONGODB_URL", url)
        yield url
