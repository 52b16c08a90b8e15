"""What every store's test fixtures share: the run's settings and an in-process client."""
{%- set cached = "redis" in cookiecutter.selections.database %}
{% if cached %}
import uuid
{%- endif %}
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from httpx import AsyncClient

from app.core.config import Settings
from tests.host import host_transport


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
    """An HTTP client that calls the app in-process the way its host hands it requests
    (tests/host.py), inside its lifespan (resources started first, closed afterwards)."""
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=host_transport(app), base_url="http://test") as client,
    ):
        yield client
