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


def settings_for_tests(database_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
{%- if "grpc" in cookiecutter.selections.api %}
        grpc_port=0,  # any free port: a dev server may hold the configured one
{%- endif %}
{%- if cached %}
        cache_prefix=f"test-{uuid.uuid4().hex}",  # never shares cache keys with another run
{%- endif %}
    )


@asynccontextmanager
async def app_client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """An HTTP client that calls the app in-process, inside its lifespan (as a server runs it:
    resources started first, closed afterwards)."""
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client,
    ):
        yield client
