{%- set url_options = cookiecutter.data.python_sql_url_options -%}
"""The SQL database: one async engine and session factory per app, made by the app factory."""

from collections.abc import AsyncIterator{% if url_options %}, Callable{% endif %}
from typing import Any

from fastapi import Request
from sqlalchemy import event, text
from sqlalchemy.engine import {% if url_options %}URL, {% endif %}make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

{% for backend, option in url_options | dictsort -%}
from {{ option.module }} import {{ option.function }}
{% endfor -%}
from app.core.outage import causes, network_failure

# Where a network failure of the database's connections is raised (app.core.outage).
DRIVERS = ("sqlalchemy", "asyncpg", "aiomysql", "pymysql")
# Fail fast when the server is unreachable, so /readyz answers instead of hanging.
CONNECT_ARGS: dict[str, dict[str, Any]] = {
    "postgresql": {"timeout": 5},
    "mysql": {"connect_timeout": 5},
}
{%- if url_options %}
# Options of DATABASE_URL its driver does not know, turned into connect args (a URL without
# them, the connect args).
URL_OPTIONS: dict[str, Callable[[URL], tuple[URL, dict[str, Any]]]] = {
{%- for backend, option in url_options | dictsort %}
    "{{ backend }}": {{ option.function }},
{%- endfor %}
}
{%- endif %}


def create_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = create_async_engine(url)
        _use_sqlite_transactions(engine)
        return engine
    connect_args = dict(CONNECT_ARGS.get(backend, {}))
{%- if url_options %}
    if backend in URL_OPTIONS:
        parsed, options = URL_OPTIONS[backend](parsed)
        connect_args.update(options)
{%- endif %}
    return create_async_engine(
        parsed,
        pool_size=5,
        max_overflow=5,
        pool_timeout=10,
        pool_recycle=1800,
        # No ping before each checkout (with asyncpg it is three round trips: BEGIN, a query,
        # ROLLBACK). A connection found dead fails its request as an outage (503, Retry-After)
        # and SQLAlchemy drops the whole pool with it, so the retry gets a fresh connection.
        pool_pre_ping=False,
        connect_args=connect_args,
    )


def _use_sqlite_transactions(engine: AsyncEngine) -> None:
    """Let SQLAlchemy, not the sqlite3 module, begin transactions, so SAVEPOINT and
    transactional DDL work (the workaround SQLAlchemy documents for pysqlite/aiosqlite)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


class Database:
    name = "database"

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    def is_outage(self, exc: BaseException) -> bool:
        """The server refused, dropped or never answered the connection, or the pool had none
        free in time; a bad statement or a broken constraint is not an outage."""
        return network_failure(exc, DRIVERS) or any(
            isinstance(e, PoolTimeoutError)
            or (isinstance(e, DBAPIError) and e.connection_invalidated)
            for e in causes(exc)
        )

    async def close(self) -> None:
        await self.engine.dispose()


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session per request; the service layer decides when to commit."""
    database: Database = request.app.state.resources[Database.name]
    async with database.sessionmaker() as session:
        yield session
