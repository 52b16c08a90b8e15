"""MongoDB's own fixtures (tests/conftest.py adds them to the ones every store shares): a
database of the run's own on a real MongoDB - the server DATABASE_URL names, else the compose
one - dropped at the end, so the data in the database DATABASE_URL names is never touched.

Every test makes the indexes (as `python -m app.migrate` does) and starts with no items.
"""

import os
from collections.abc import AsyncIterator, Iterator

import pytest

from app.core.config import Settings
from app.core.mongo import Database
from tests.mongodb_server import throwaway_database

# The compose server: where the tests make their database when DATABASE_URL names no other.
TEST_SERVER = "mongodb://127.0.0.1:27017/app"


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    server = os.environ.get("DATABASE_URL") or TEST_SERVER
    with throwaway_database(server, setting="DATABASE_URL", service="db") as url:
        yield url


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.database_url)
    await database.migrate()
    await database.db["items"].delete_many({})
    yield database
    await database.close()


@pytest.fixture
def unreachable_settings(settings: Settings) -> Settings:
    """Settings pointing at a MongoDB that cannot be reached (for the readiness check)."""
    return settings.model_copy(update={"database_url": "mongodb://127.0.0.1:1/app"})
