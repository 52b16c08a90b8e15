"""/items/{id}/history: an item's changes, newest first, read from MongoDB."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from app.api.routes.items import MAX_INT, ItemId
from app.core.history import History, get_history
from app.core.problems import problem_responses
from app.schemas.history import HistoryPage, ItemEventRead
from app.schemas.items import PageLinks

router = APIRouter(prefix="/items", tags=["items"], responses=problem_responses(422))


@router.get("/{item_id}/history")
async def item_history(
    item_id: ItemId,
    request: Request,
    history: Annotated[History, Depends(get_history)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
) -> HistoryPage:
    """An item's changes, newest first (kept after the item is deleted)."""
    events, total = await history.list(item_id, limit=limit, offset=offset)
    return HistoryPage(
        items=[ItemEventRead.model_validate(event) for event in events],
        total=total,
        limit=limit,
        offset=offset,
        links=PageLinks.build(total, limit, offset, request.url),
    )
