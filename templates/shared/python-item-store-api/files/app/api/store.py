"""The item store a request's service writes through{% if cookiecutter.data.python_item_store.session is defined %} (bound to the request's session){% endif %}."""
{%- set store = cookiecutter.data.python_item_store %}
{%- if store.session is defined %}

from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import get_session
from {{ store.module }} import {{ store.factory }}
from app.repositories.store import ItemStore


async def get_item_store(session: Annotated[AsyncSession, Depends(get_session)]) -> ItemStore:
    return {{ store.factory }}(session)
{%- else %}

from typing import cast

from fastapi import Request

from {{ store.resource_module }} import {{ store.resource }}
from {{ store.module }} import {{ store.factory }}
from app.repositories.store import ItemStore


async def get_item_store(request: Request) -> ItemStore:
    database = cast({{ store.resource }}, request.app.state.resources[{{ store.resource }}.name])
    return {{ store.factory }}(database)
{%- endif %}
