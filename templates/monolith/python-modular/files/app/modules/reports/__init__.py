{%- set projection = cookiecutter.data.report_function is defined -%}
"""The reports module: figures about other modules' data, read through their public interfaces."""

{% if projection -%}
from app.modules.reports.projection import (
    ITEM_PREFIX,
    ItemChange,
    ProjectedReportService,
    ReportProjection,
)
{% endif -%}
from app.modules.reports.service import ItemReport, ReportService

{% if projection -%}
__all__ = [
    "ITEM_PREFIX",
    "ItemChange",
    "ItemReport",
    "ProjectedReportService",
    "ReportProjection",
    "ReportService",
]
{% else -%}
__all__ = ["ItemReport", "ReportService"]
{% endif -%}
