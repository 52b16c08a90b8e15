{%- set xml = "xml" in cookiecutter.selections.api -%}
{%- set jsonapi = "jsonapi" in cookiecutter.selections.api -%}
"""/reports: figures computed by the reports module."""

{% if xml -%}
from xml.etree.ElementTree import Element

{% elif jsonapi -%}
from typing import Literal

{% endif -%}
from fastapi import APIRouter{% if jsonapi %}, Request{% endif %}
{%- if jsonapi %}
from pydantic import BaseModel
{%- endif %}

from app.api.deps import ReportServiceDep
{%- if xml %}
from app.api.xml import AcceptsXml, XmlResponse
{%- elif jsonapi %}
from app.api.jsonapi import (
    JSONAPI_OBJECT,
    AcceptsJsonApi,
    JsonApiObject,
    JsonApiResponse,
    SelfLink,
    only_parameters,
)
from app.core.problems import problem_responses
from app.modules.reports import ItemReport
{%- else %}
from app.modules.reports import ItemReport
{%- endif %}
{%- if jsonapi %}

router = APIRouter(
    prefix="/reports",
    tags=["reports"],
    default_response_class=JsonApiResponse,
    dependencies=[AcceptsJsonApi, only_parameters()],
    responses=problem_responses(400, 406),
)


class ItemReportResource(BaseModel):
    type: Literal["item-reports"]
    id: Literal["items"]
    attributes: ItemReport
    links: SelfLink


class ItemReportDocument(BaseModel):
    jsonapi: JsonApiObject
    data: ItemReportResource
    links: SelfLink


@router.get("/items")
async def items_report(reports: ReportServiceDep, request: Request) -> ItemReportDocument:
    """The items report, a singleton resource of type item-reports."""
    links = SelfLink(self=str(request.url_for("items_report")))
    resource = ItemReportResource(
        type="item-reports", id="items", attributes=await reports.items_report(), links=links
    )
    return ItemReportDocument(jsonapi=JSONAPI_OBJECT, data=resource, links=links)
{%- else %}

router = APIRouter(prefix="/reports", tags=["reports"])
{%- endif %}
{%- if xml %}


@router.get("/items", response_class=XmlResponse)
async def items_report(reports: ReportServiceDep, _: AcceptsXml) -> XmlResponse:
    """An <itemReport> (see /schemas/items.xsd)."""
    report = await reports.items_report()
    figures = {"total": str(report.total), "described": str(report.described)}
    return XmlResponse(Element("itemReport", figures))
{%- elif not jsonapi %}


@router.get("/items")
async def items_report(reports: ReportServiceDep) -> ItemReport:
    return await reports.items_report()
{%- endif %}
