"""What every store's test fixtures share: the run's settings and an in-process client."""
{%- set cached = "redis" in cookiecutter.selections.database %}
{% if cached %}
import uuid
{%- endif %}
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from app.core.config import Settings
from app.core.resources import close_resources


def settings_for_tests(database_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
{%- if cached %}
        cache_prefix=f"test-{uuid.uuid4().hex}",  # never shares cache keys with another run
{%- endif %}
    )


@asynccontextmanager
async def app_client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """An HTTP client that calls the app in-process; the app's resources close afterwards."""
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client
    await close_resources(app.state.resources)
