"""FastAPI dependencies, as ``Annotated`` aliases routes can use as parameter types."""

from typing import Annotated

from fastapi import Depends
{% set cached = "redis" in cookiecutter.selections.database %}
{%- set recorded = cookiecutter.data.python_item_history is defined %}
from app.api.store import get_item_store
{%- if cached %}
from app.core.cache import Cache, get_cache
{%- endif %}
{%- if recorded %}
from app.core.history import History, get_history
{%- endif %}
from app.repositories.store import ItemStore
{%- if cached %}
from app.services.cached_items import CachedItemService
{%- endif %}
from app.services.items import ItemService
{%- if recorded %}
from app.services.recorded_items import RecordedItemService
{%- endif %}

ItemStoreDep = Annotated[ItemStore, Depends(get_item_store)]
{%- if cached %}
CacheDep = Annotated[Cache, Depends(get_cache)]


async def get_item_service(items: ItemStoreDep, cache: CacheDep) -> ItemService:
    return CachedItemService(items, cache)
{%- elif recorded %}
HistoryDep = Annotated[History, Depends(get_history)]


async def get_item_service(items: ItemStoreDep, history: HistoryDep) -> ItemService:
    return RecordedItemService(items, history)
{%- else %}


async def get_item_service(items: ItemStoreDep) -> ItemService:
    return ItemService(items)
{%- endif %}


ItemServiceDep = Annotated[ItemService, Depends(get_item_service)]
