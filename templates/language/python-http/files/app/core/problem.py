"""An error as the app describes it, whatever the format it is answered in: the members of
RFC 9457 problem details (app.core.error_format renders it)."""

from typing import Any

from pydantic import BaseModel


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None
