"""Fixtures against a real MongoDB: DATABASE_URL when set, else the development database.

The indexes are made once per session (as `python -m app.migrate` does); every test starts
with no items, so point DATABASE_URL at a database of the tests' own.
"""

import os
from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient

from app.core.config import Settings
from app.core.mongo import Database
from app.main import create_app
from app.repositories.items import MongoItemStore
from app.repositories.store import ItemStore
from tests.apps import app_client, settings_for_tests


@pytest.fixture(scope="session")
def database_url() -> str:
    return os.environ.get("DATABASE_URL", Settings().database_url)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for_tests(database_url)


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.database_url)
    await database.migrate()
    await database.db["items"].delete_many({})
    yield database
    await database.close()


@pytest.fixture
def items(database: Database) -> ItemStore:
    return MongoItemStore(database)


@pytest.fixture
async def client(settings: Settings, database: Database) -> AsyncIterator[AsyncClient]:
    app = create_app(settings)
    async with app_client(app) as client:
        yield client


@pytest.fixture
def unreachable_settings(settings: Settings) -> Settings:
    """Settings pointing at a MongoDB that cannot be reached (for the readiness check)."""
    return settings.model_copy(update={"database_url": "mongodb://127.0.0.1:1/app"})
