"""/items: the example resource over REST."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from app.api.deps import ItemServiceDep
from app.core.problems import problem_responses
from app.schemas.items import ItemCreate, ItemPage, ItemRead, ItemUpdate

# Ids and offsets fit the database's 32-bit integers: larger values are a 422, not a 500.
MAX_INT = 2**31 - 1
ItemId = Annotated[int, Path(ge=1, le=MAX_INT)]

router = APIRouter(prefix="/items", tags=["items"], responses=problem_responses(422))


@router.get("")
async def list_items(
    request: Request,
    service: ItemServiceDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
    name: Annotated[
        str | None, Query(max_length=100, description="Case-insensitive substring of the name")
    ] = None,
) -> ItemPage:
    items, total = await service.list(limit=limit, offset=offset, name_contains=name)
    return ItemPage.build(items, total, limit, offset, request.url)


# A body that is not JSON at all is a 400; one that is JSON but not a valid item, a 422.
@router.post("", status_code=status.HTTP_201_CREATED, responses=problem_responses(400, 409))
async def create_item(
    data: ItemCreate, service: ItemServiceDep, request: Request, response: Response
) -> ItemRead:
    item = await service.create(data)
    response.headers["Location"] = str(request.url_for("get_item", item_id=item.id))
    return item


@router.get("/{item_id}", responses=problem_responses(404))
async def get_item(item_id: ItemId, service: ItemServiceDep) -> ItemRead:
    return await service.get(item_id)


@router.patch("/{item_id}", responses=problem_responses(400, 404, 409))
async def update_item(item_id: ItemId, data: ItemUpdate, service: ItemServiceDep) -> ItemRead:
    return await service.update(item_id, data)


@router.delete(
    "/{item_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404, 409)
)
async def delete_item(item_id: ItemId, service: ItemServiceDep) -> None:
    await service.delete(item_id)
