from app.core.cache import Cache
from app.core.config import Settings


def create(settings: Settings) -> Cache:
    return Cache(
        settings.redis_url,
        prefix=settings.cache_prefix,
        ttl_seconds=settings.cache_ttl_seconds,
        verify_tls=settings.redis_tls_verify,
    )
