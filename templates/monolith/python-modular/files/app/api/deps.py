"""FastAPI dependencies: each module's public service, as ``Annotated`` aliases for routes."""

from typing import Annotated

from fastapi import Depends

from app.api.store import get_item_store
from app.modules.items import ItemService
from app.modules.reports import ReportService
from app.repositories.store import ItemStore

ItemStoreDep = Annotated[ItemStore, Depends(get_item_store)]


async def get_item_service(items: ItemStoreDep) -> ItemService:
    return ItemService(items)


ItemServiceDep = Annotated[ItemService, Depends(get_item_service)]


async def get_report_service(items: ItemServiceDep) -> ReportService:
    return ReportService(items)


ReportServiceDep = Annotated[ReportService, Depends(get_report_service)]
