"""The MongoDB client: PyMongo's asyncio client, one per app."""

from typing import Any

from pymongo import AsyncMongoClient


def connect(url: str) -> AsyncMongoClient[dict[str, Any]]:
    """A client with a bounded pool and short timeouts, so an unreachable server fails fast
    and /readyz answers instead of hanging; dates come back as timezone-aware UTC."""
    return AsyncMongoClient(
        url,
        maxPoolSize=10,
        serverSelectionTimeoutMS=2000,
        connectTimeoutMS=2000,
        tz_aware=True,
    )
