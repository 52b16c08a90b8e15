"""FastAPI dependencies, as ``Annotated`` aliases routes can use as parameter types."""

from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession
{% set cached = "redis" in cookiecutter.selections.database %}
{%- set recorded = cookiecutter.data.python_item_history is defined %}
{%- if cached %}
from app.core.cache import Cache, get_cache
{%- endif %}
from app.core.db import get_session
{%- if recorded %}
from app.core.history import History, get_history
{%- endif %}
{%- if cached %}
from app.services.cached_items import CachedItemService
{%- endif %}
from app.services.items import ItemService
{%- if recorded %}
from app.services.recorded_items import RecordedItemService
{%- endif %}

SessionDep = Annotated[AsyncSession, Depends(get_session)]
{%- if cached %}
CacheDep = Annotated[Cache, Depends(get_cache)]


def get_item_service(session: SessionDep, cache: CacheDep) -> ItemService:
    return CachedItemService(session, cache)
{%- elif recorded %}
HistoryDep = Annotated[History, Depends(get_history)]


def get_item_service(session: SessionDep, history: HistoryDep) -> ItemService:
    return RecordedItemService(session, history)
{%- else %}


def get_item_service(session: SessionDep) -> ItemService:
    return ItemService(session)
{%- endif %}


ItemServiceDep = Annotated[ItemService, Depends(get_item_service)]
