"""``python -m app.migrate``: create the MongoDB indexes at DATABASE_URL (run before the app)."""

import asyncio

from app.core.config import get_settings
from app.core.mongo import Database


async def main() -> None:
    database = Database(get_settings().database_url)
    try:
        await database.migrate()
    finally:
        await database.close()


if __name__ == "__main__":
    asyncio.run(main())
