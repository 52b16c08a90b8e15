"""MongoDB's own fixtures (tests/conftest.py adds them to the ones every store shares): a
real MongoDB, DATABASE_URL when set, else the development database.

Every test makes the indexes (as `python -m app.migrate` does) and starts with no items, so
point DATABASE_URL at a database of the tests' own.
"""

import os
from collections.abc import AsyncIterator

import pytest

from app.core.config import Settings
from app.core.mongo import Database


@pytest.fixture(scope="session")
def database_url() -> str:
    return os.environ.get("DATABASE_URL", Settings().database_url)


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
