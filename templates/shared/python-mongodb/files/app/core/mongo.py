"""The MongoDB database: one client (a bounded pool) per app, made by the app factory."""

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from app.core.mongo_client import connect


class Database:
    name = "database"

    def __init__(self, url: str) -> None:
        self.client = connect(url)
        # The database named by the URL's path.
        self.db: AsyncDatabase[dict[str, Any]] = self.client.get_default_database()

    async def migrate(self) -> None:
        """Creates the indexes (idempotent): MongoDB's counterpart of the SQL migrations."""
        await self.db["items"].create_index("name", unique=True, name="items_name_unique")
        await self.db["items"].create_index("seq", name="items_seq")

    async def ping(self) -> None:
        await self.db.command("ping")

    async def close(self) -> None:
        await self.client.close()
