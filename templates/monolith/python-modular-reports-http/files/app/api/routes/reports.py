{%- set xml = "xml" in cookiecutter.selections.api -%}
"""/reports: figures computed by the reports module."""
{% if xml %}
from xml.etree.ElementTree import Element
{% endif %}
from fastapi import APIRouter

from app.api.deps import ReportServiceDep
{%- if xml %}
from app.api.xml import AcceptsXml, XmlResponse
{%- else %}
from app.modules.reports import ItemReport
{%- endif %}

router = APIRouter(prefix="/reports", tags=["reports"])
{% if xml %}

@router.get("/items", response_class=XmlResponse)
async def items_report(reports: ReportServiceDep, _: AcceptsXml) -> XmlResponse:
    """An <itemReport> (see /schemas/items.xsd)."""
    report = await reports.items_report()
    figures = {"total": str(report.total), "described": str(report.described)}
    return XmlResponse(Element("itemReport", figures))
{%- else %}

@router.get("/items")
async def items_report(reports: ReportServiceDep) -> ItemReport:
    return await reports.items_report()
{%- endif %}
