"""The MongoDB client: PyMongo's asyncio client, one per app."""

from typing import Any

from pymongo import AsyncMongoClient
from pymongo.errors import ConnectionFailure

from app.core.outage import causes, network_failure


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


def is_outage(exc: BaseException) -> bool:
    """No server could be selected, or the connection to it failed (a duplicate key or a bad
    query is not an outage)."""
    return network_failure(exc, ("pymongo",)) or any(
        isinstance(e, ConnectionFailure) for e in causes(exc)
    )
