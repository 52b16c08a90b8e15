{%- set server = cookiecutter.data.get("python_test_server") -%}
{%- set history = cookiecutter.data.get("python_item_history") -%}
"""Fixtures against a real database: {% if server %}one the run makes for itself on the server DATABASE_URL
names (else the compose one), dropped at the end{% else %}DATABASE_URL when set, else a throwaway SQLite file{% endif %}.

Migrations run once per session (and are rolled all the way back at the end); each test
runs inside a transaction that is rolled back, so tests never see each other's rows.
"""

import asyncio
import os
{%- if not server %}
import threading
{%- endif %}
{%- if server %}
import uuid
{%- endif %}
from collections.abc import AsyncIterator, Iterator
{%- if server %}
from contextlib import contextmanager
{%- endif %}
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from httpx import AsyncClient
{%- if server %}
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
{%- else %}
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession
{%- endif %}

from app.core.config import Settings
from app.core.db import Database, get_session
from app.main import create_app
from app.repositories.sql_store import SqlItemStore
from app.repositories.store import ItemStore
from tests.apps import app_client, settings_for_tests
{%- if history %}
from tests.history_database import history_database as history_database
{%- endif %}

ROOT = Path(__file__).resolve().parent.parent
{%- if server %}
# The compose server, as a user that may create databases: where the tests make theirs when
# DATABASE_URL names no other server.
TEST_SERVER = "{{ server.url }}"
MAINTENANCE_DATABASE = {{ server.maintenance_database | tojson }}


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A database of this run's own, as Django's and Rails' test runners make one: the tests
    never touch the data in the database DATABASE_URL names, only its server."""
    with throwaway_database(make_url(os.environ.get("DATABASE_URL") or TEST_SERVER)) as url:
        yield url.render_as_string(hide_password=False)


@contextmanager
def throwaway_database(server: URL) -> Iterator[URL]:
    name = f"test_{server.database or 'app'}_{uuid.uuid4().hex[:8]}"[:60]
    quoted = f'"{name}"' if server.get_backend_name() == "postgresql" else f"`{name}`"
    force = " WITH (FORCE)" if server.get_backend_name() == "postgresql" else ""
    admin = server.set(database=MAINTENANCE_DATABASE or None)
    try:
        asyncio.run(_execute(admin, f"CREATE DATABASE {quoted}"))
    except (OSError, DBAPIError) as exc:
        where = f"{server.get_backend_name()} at {server.host}:{server.port}"
        pytest.exit(
            f"cannot make the tests' database on {where} ({type(exc).__name__}): start the "
            "compose server with `docker compose up -d db`, or set DATABASE_URL to a server "
            "where its user may create databases",
            returncode=2,
        )
    try:
        yield server.set(database=name)
    finally:
        asyncio.run(_execute(admin, f"DROP DATABASE IF EXISTS {quoted}{force}"))


async def _execute(url: URL, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()
{%- else %}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if url := os.environ.get("DATABASE_URL"):
        return url
    return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
{%- endif %}


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


{% if server -%}
@pytest.fixture
def unreachable_settings(database_url: str) -> Settings:
    """Settings pointing at a database that cannot be reached (for the readiness check)."""
    url = make_url(database_url).set(host="127.0.0.1", port=1)  # nothing listens on port 1
    return Settings(environment="test", database_url=url.render_as_string(hide_password=False))
{%- else -%}
@pytest.fixture
async def unreachable_settings(database_url: str, tmp_path: Path) -> AsyncIterator[Settings]:
    """Settings pointing at a database that cannot be opened (for the readiness check)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        url = url.set(host="127.0.0.1", port=1)  # nothing listens on port 1
        yield Settings(environment="test", database_url=url.render_as_string(hide_password=False))
        return
    url = url.set(database=str(tmp_path / "missing-dir" / "db.sqlite"))
    before = set(threading.enumerate())
    yield Settings(environment="test", database_url=url.render_as_string(hide_password=False))
    # aiosqlite stops a connection that failed to open on its worker thread after raising the
    # failure, and that thread then answers the event loop. Wait for it while this test's loop
    # is open: an answer to a closed loop is an error in the thread, which pytest reports.
    for thread in set(threading.enumerate()) - before:
        await asyncio.to_thread(thread.join, 10)
{%- endif %}
