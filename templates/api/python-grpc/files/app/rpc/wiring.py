{%- set store = cookiecutter.data.python_item_store -%}
{%- set hexagonal = cookiecutter.selections.architecture[0] == "hexagonal" -%}
"""The item use cases a gRPC call works with: built by the same functions FastAPI's
dependencies call for an HTTP request (app.api.deps), for one call{% if store.session is defined %}, over a session of its own{% endif %}."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import cast

from app.api.deps import get_item_service
{%- if store.session is defined %}
{%- if not hexagonal %}
from app.api.store import get_item_store
{%- endif %}
from app.core.db import Database
{%- else %}
from {{ store.resource_module }} import {{ store.resource }}
{%- endif %}
from app.core.resources import Resource
{%- if store.session is not defined %}
from {{ store.module }} import {{ store.factory }}
{%- endif %}
from app.rpc.items import UseCases
from app.schemas.items import ItemUseCases


def item_use_cases(resources: dict[str, Resource]) -> UseCases:
{%- if store.session is defined %}
    database = cast(Database, resources[Database.name])

    @asynccontextmanager
    async def use_cases() -> AsyncIterator[ItemUseCases]:
        async with database.sessionmaker() as session:
            yield await get_item_service({% if hexagonal %}session{% else %}await get_item_store(session){% endif %})
{%- else %}
    database = cast({{ store.resource }}, resources[{{ store.resource }}.name])

    @asynccontextmanager
    async def use_cases() -> AsyncIterator[ItemUseCases]:
        yield await get_item_service({{ store.factory }}(database))
{%- endif %}

    return use_cases
