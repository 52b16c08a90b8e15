"""The reports module: figures about other modules' data, read through their public interfaces."""

from app.modules.reports.service import ItemReport, ReportService

__all__ = ["ItemReport", "ReportService"]
