{%- set projection = cookiecutter.data.report_function is defined -%}
"""FastAPI dependencies: each module's public service, as ``Annotated`` aliases for routes."""

from typing import Annotated

from fastapi import Depends{% if projection %}, Request{% endif %}

from app.api.store import get_item_store
{%- if projection %}
from app.core.dynamodb import Database
{%- endif %}
from app.modules.items import ItemService
{%- if projection %}
from app.modules.reports import ProjectedReportService, ReportProjection, ReportService
{%- else %}
from app.modules.reports import ReportService
{%- endif %}
from app.repositories.store import ItemStore

ItemStoreDep = Annotated[ItemStore, Depends(get_item_store)]


async def get_item_service(items: ItemStoreDep) -> ItemService:
    return ItemService(items)


ItemServiceDep = Annotated[ItemService, Depends(get_item_service)]


{%- if projection %}


async def get_report_service(request: Request) -> ReportService:
    """The report as the report function keeps it (a projection of the table's stream)."""
    database: Database = request.app.state.resources[Database.name]
    return ProjectedReportService(ReportProjection(database))
{%- else %}


async def get_report_service(items: ItemServiceDep) -> ReportService:
    return ReportService(items)
{%- endif %}


ReportServiceDep = Annotated[ReportService, Depends(get_report_service)]
