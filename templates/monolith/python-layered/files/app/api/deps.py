"""FastAPI dependencies, as ``Annotated`` aliases routes can use as parameter types."""

from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession
{% set cached = "redis" in cookiecutter.selections.database %}
{%- if cached %}
from app.core.cache import Cache, get_cache
{%- endif %}
from app.core.db import get_session
{%- if cached %}
from app.services.cached_items import CachedItemService
{%- endif %}
from app.services.items import ItemService

SessionDep = Annotated[AsyncSession, Depends(get_session)]
{%- if cached %}
CacheDep = Annotated[Cache, Depends(get_cache)]


def get_item_service(session: SessionDep, cache: CacheDep) -> ItemService:
    return CachedItemService(session, cache)
{%- else %}


def get_item_service(session: SessionDep) -> ItemService:
    return ItemService(session)
{%- endif %}


ItemServiceDep = Annotated[ItemService, Depends(get_item_service)]
