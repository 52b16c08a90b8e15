"""``python -m app.migrate``: prepare the store at DATABASE_URL before the app starts (the
document stores' counterpart of the SQL migrations: indexes, or the table; idempotent)."""

import asyncio

from app.core.config import get_settings
from app.core.resources.database import create


async def main() -> None:
    database = create(get_settings())
    try:
        await database.migrate()
    finally:
        await database.close()


if __name__ == "__main__":
    asyncio.run(main())
