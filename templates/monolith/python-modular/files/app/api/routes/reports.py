"""/reports: figures computed by the reports module."""

from fastapi import APIRouter

from app.api.deps import ReportServiceDep
from app.modules.reports import ItemReport

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get("/items")
async def items_report(reports: ReportServiceDep) -> ItemReport:
    return await reports.items_report()
