"""/items: the example resource as XML (application/xml, described by /schemas/items.xsd)."""

from typing import Annotated, TypeVar

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.responses import FileResponse, Response
from pydantic import ValidationError

from app.api.deps import ItemServiceDep
from app.api.xml import (
    XML,
    XSD_PATH,
    AcceptsXml,
    XmlResponse,
    item_element,
    page_element,
    read_item,
)
from app.core.problems import UnprocessableError, problem_responses
from app.schemas.items import ItemCreate, ItemPage, ItemUpdate

# Ids and offsets fit the database's 32-bit integers: larger values are a 422, not a 500.
MAX_INT = 2**31 - 1
ItemId = Annotated[int, Path(ge=1, le=MAX_INT)]

router = APIRouter(tags=["items"], responses=problem_responses(406, 422))


def _xml(description: str, element: str | None = None) -> dict[str, object]:
    """An OpenAPI response or request body in XML, pointing at the published XSD."""
    body: dict[str, object] = {"description": description}
    if element is not None:
        schema = {
            "type": "object",
            "xml": {"name": element},
            "description": f"<{element}> in /schemas/items.xsd",
        }
        body["content"] = {XML: {"schema": schema}}
    return body


ITEM_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            XML: {
                "schema": {
                    "type": "object",
                    "xml": {"name": "item"},
                    "properties": {"name": {"type": "string"}, "description": {"type": "string"}},
                }
            }
        },
    }
}


@router.get("/schemas/items.xsd", response_class=FileResponse, tags=["schemas"])
async def items_schema() -> FileResponse:
    """The XML Schema every request is validated against and every answer conforms to."""
    return FileResponse(XSD_PATH, media_type=XML)


@router.get("/items", response_class=XmlResponse, responses={200: _xml("A page of items", "items")})
async def list_items(
    request: Request,
    service: ItemServiceDep,
    _: AcceptsXml,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
    name: Annotated[
        str | None, Query(max_length=100, description="Case-insensitive substring of the name")
    ] = None,
) -> XmlResponse:
    items, total = await service.list(limit=limit, offset=offset, name_contains=name)
    return XmlResponse(page_element(ItemPage.build(items, total, limit, offset, request.url)))


@router.post(
    "/items",
    status_code=status.HTTP_201_CREATED,
    response_class=XmlResponse,
    responses={201: _xml("The new item", "item"), **problem_responses(400, 409, 415)},
    openapi_extra=ITEM_BODY,
)
async def create_item(request: Request, service: ItemServiceDep, _: AcceptsXml) -> XmlResponse:
    data = _valid(ItemCreate, await read_item(request))
    item = await service.create(data)
    response = XmlResponse(item_element(item), status.HTTP_201_CREATED)
    response.headers["Location"] = str(request.url_for("get_item", item_id=item.id))
    return response


@router.get(
    "/items/{item_id}",
    response_class=XmlResponse,
    responses={200: _xml("The item", "item"), **problem_responses(404)},
)
async def get_item(item_id: ItemId, service: ItemServiceDep, _: AcceptsXml) -> XmlResponse:
    return XmlResponse(item_element(await service.get(item_id)))


@router.patch(
    "/items/{item_id}",
    response_class=XmlResponse,
    responses={200: _xml("The changed item", "item"), **problem_responses(400, 404, 409, 415)},
    openapi_extra=ITEM_BODY,
)
async def update_item(
    item_id: ItemId, request: Request, service: ItemServiceDep, _: AcceptsXml
) -> XmlResponse:
    data = _valid(ItemUpdate, await read_item(request))
    return XmlResponse(item_element(await service.update(item_id, data)))


@router.delete(
    "/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(404)
)
async def delete_item(item_id: ItemId, service: ItemServiceDep) -> Response:
    await service.delete(item_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


Model = TypeVar("Model", ItemCreate, ItemUpdate)


def _valid(model: type[Model], fields: dict[str, str | None]) -> Model:
    """The document's fields as the request model; the rules the XSD cannot say (a name that
    is not blank) are a 422 too."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise UnprocessableError(f"The item is not valid: {reasons}.") from exc
