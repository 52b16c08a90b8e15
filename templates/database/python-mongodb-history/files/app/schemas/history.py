"""Response bodies for /items/{id}/history."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.schemas.items import PageLinks


class ItemEventRead(BaseModel):
    item_id: int
    action: Literal["created", "updated", "deleted"]
    at: datetime
    name: str
    description: str | None


class HistoryPage(BaseModel):
    items: list[ItemEventRead]
    total: int = Field(description="Events of this item, over all pages")
    limit: int
    offset: int
    links: PageLinks
