"""FastAPI dependencies, as ``Annotated`` aliases routes can use as parameter types."""

from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app import bootstrap
from app.api.handlers import ItemHandlers
from app.core.db import get_session

SessionDep = Annotated[AsyncSession, Depends(get_session)]


def get_item_service(session: SessionDep) -> ItemHandlers:
    return ItemHandlers(bootstrap.unit_of_work(session))


ItemServiceDep = Annotated[ItemHandlers, Depends(get_item_service)]
