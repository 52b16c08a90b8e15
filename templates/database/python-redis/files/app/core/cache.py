"""Redis as a cache: string values under a key prefix, each with a time to live."""

from typing import Any, cast

from fastapi import Request
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.core.outage import causes, network_failure


class Cache:
    name = "cache"

    def __init__(self, url: str, *, prefix: str, ttl_seconds: int, verify_tls: bool = True) -> None:
        # TLS (rediss://) without checking the certificate, when told to: for a managed Redis
        # whose certificate no public authority signs (Heroku Key-Value Store).
        unverified = url.startswith("rediss://") and not verify_tls
        tls: dict[str, Any] = {"ssl_cert_reqs": "none", "ssl_check_hostname": False}
        # Bounded pool and short timeouts: a slow Redis fails requests fast instead of piling up.
        self.client: Redis = Redis.from_url(
            url,
            decode_responses=True,
            max_connections=20,
            socket_connect_timeout=2,
            socket_timeout=2,
            **(tls if unverified else {}),
        )
        self.prefix = prefix
        self.ttl_seconds = ttl_seconds

    def key(self, key: str) -> str:
        return f"{self.prefix}:{key}"

    async def get(self, key: str) -> str | None:
        return cast(str | None, await self.client.get(self.key(key)))

    async def set(self, key: str, value: str) -> None:
        await self.client.set(self.key(key), value, ex=self.ttl_seconds)

    async def delete(self, key: str) -> None:
        await self.client.delete(self.key(key))

    async def ping(self) -> None:
        await self.client.ping()

    def is_outage(self, exc: BaseException) -> bool:
        return network_failure(exc, ("redis",)) or any(
            isinstance(e, RedisConnectionError | RedisTimeoutError) for e in causes(exc)
        )

    async def close(self) -> None:
        await self.client.aclose()


async def get_cache(request: Request) -> Cache:
    return cast(Cache, request.app.state.resources[Cache.name])
