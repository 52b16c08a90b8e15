"""FastAPI dependencies: each module's public service, as ``Annotated`` aliases for routes."""

from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import get_session
from app.modules.items import ItemService
from app.modules.reports import ReportService

SessionDep = Annotated[AsyncSession, Depends(get_session)]


def get_item_service(session: SessionDep) -> ItemService:
    return ItemService(session)


ItemServiceDep = Annotated[ItemService, Depends(get_item_service)]


def get_report_service(items: ItemServiceDep) -> ReportService:
    return ReportService(items)


ReportServiceDep = Annotated[ReportService, Depends(get_report_service)]
