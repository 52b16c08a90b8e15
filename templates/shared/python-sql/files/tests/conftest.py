"""Fixtures against a real database: DATABASE_URL when set, else a throwaway SQLite file.

Migrations run once per session (and are rolled all the way back at the end); each test
runs inside a transaction that is rolled back, so tests never see each other's rows.
"""

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from httpx import AsyncClient
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.db import Database, get_session
from app.main import create_app
from app.repositories.sql_store import SqlItemStore
from app.repositories.store import ItemStore
from tests.apps import app_client, settings_for_tests

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if url := os.environ.get("DATABASE_URL"):
        return url
    return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def alembic_config(database_url: str) -> Config:
    config = Config(ROOT / "alembic.ini")
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


@pytest.fixture(scope="session", autouse=True)
def migrated(alembic_config: Config) -> Iterator[None]:
    command.upgrade(alembic_config, "head")
    yield
    command.downgrade(alembic_config, "base")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for_tests(database_url)


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.database_url)
    yield database
    await database.close()


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    async with database.engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield session
        finally:
            await session.close()
            await transaction.rollback()


@pytest.fixture
def items(session: AsyncSession) -> ItemStore:
    """The item store, inside the test's transaction (its commits are savepoints)."""
    return SqlItemStore(session)


@pytest.fixture
async def client(settings: Settings, session: AsyncSession) -> AsyncIterator[AsyncClient]:
    app = create_app(settings)

    async def test_session() -> AsyncIterator[AsyncSession]:
        yield session

    app.dependency_overrides[get_session] = test_session
    async with app_client(app) as client:
        yield client


@pytest.fixture
def unreachable_settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at a database that cannot be reached (for the readiness check)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        url = url.set(database=str(tmp_path / "missing-dir" / "db.sqlite"))
    else:
        url = url.set(host="127.0.0.1", port=1)  # nothing listens on port 1
    return Settings(environment="test", database_url=url.render_as_string(hide_password=False))
