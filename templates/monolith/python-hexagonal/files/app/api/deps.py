"""FastAPI dependencies, as ``Annotated`` aliases routes can use as parameter types."""

from typing import Annotated

from fastapi import Depends
{%- if cookiecutter.data.python_item_store.session is defined %}
from sqlalchemy.ext.asyncio import AsyncSession

from app import bootstrap
from app.api.handlers import ItemHandlers
from app.core.db import get_session

SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def get_item_service(session: SessionDep) -> ItemHandlers:
    return ItemHandlers(bootstrap.unit_of_work(session))
{%- else %}

from app import bootstrap
from app.api.handlers import ItemHandlers
from app.api.store import get_item_store
from app.repositories.store import ItemStore

ItemStoreDep = Annotated[ItemStore, Depends(get_item_store)]


async def get_item_service(store: ItemStoreDep) -> ItemHandlers:
    return ItemHandlers(bootstrap.unit_of_work(store))
{%- endif %}


ItemServiceDep = Annotated[ItemHandlers, Depends(get_item_service)]
