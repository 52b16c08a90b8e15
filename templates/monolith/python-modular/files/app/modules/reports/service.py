"""Reports over the items module, which it reaches through ``app.modules.items`` only."""

from pydantic import BaseModel, Field

from app.modules.items import ItemService

PAGE = 100


class ItemReport(BaseModel):
    total: int = Field(description="Items stored")
    described: int = Field(description="Items with a description")


class ReportService:
    def __init__(self, items: ItemService) -> None:
        self.items = items

    async def items_report(self) -> ItemReport:
        described, offset, total = 0, 0, 0
        while True:
            page, total = await self.items.list(limit=PAGE, offset=offset)
            described += sum(1 for item in page if item.description)
            offset += PAGE
            if offset >= total:
                return ItemReport(total=total, described=described)
