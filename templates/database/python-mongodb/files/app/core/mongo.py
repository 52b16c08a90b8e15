"""The MongoDB database: one client (a bounded pool) per app, made by the app factory."""

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from app.core.mongo_client import connect, is_outage


class Database:
    name = "database"

    def __init__(self, url: str) -> None:
        self.client = connect(url)
        # The database named by the URL's path.
        self.db: AsyncDatabase[dict[str, Any]] = self.client.get_default_database()
        self._indexed = False

    async def migrate(self) -> None:
        """Creates the indexes (idempotent): MongoDB's counterpart of the SQL migrations."""
        await self.db["items"].create_index("name", unique=True, name="items_name_unique")
        await self.db["items"].create_index("seq", name="items_seq")
        self._indexed = True

    async def start(self) -> None:
        """Makes the indexes as the app starts, so a fresh database needs no separate step."""
        await self.migrate()

    async def ping(self) -> None:
        await self.db.command("ping")
        # Not ready without the unique name index; made here if the server was down at start.
        if not self._indexed:
            await self.migrate()

    def is_outage(self, exc: BaseException) -> bool:
        return is_outage(exc)

    async def close(self) -> None:
        await self.client.close()
