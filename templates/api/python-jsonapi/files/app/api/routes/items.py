"""/items: the example resource as JSON:API 1.1 documents (application/vnd.api+json)."""

import re
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request, Response, status

from app.api.deps import ItemServiceDep
from app.api.jsonapi import (
    FIELDS,
    JSONAPI_OBJECT,
    SORTABLE,
    TYPE,
    AcceptsJsonApi,
    ItemChangesDocument,
    ItemCollectionDocument,
    ItemDocument,
    JsonApiResponse,
    NewItemDocument,
    NewRelationships,
    PageMeta,
    SelfLink,
    SentAsJsonApi,
    canonical,
    included_parents,
    item_resource,
    only_parameters,
    page_links,
)
from app.core.error_format import JSONAPI
from app.core.problems import AppError, ConflictError, NotFoundError, problem_responses
from app.schemas.items import ItemCreate, ItemUpdate, ItemUseCases

# Ids and offsets fit the database's 32-bit integers: larger values are refused, not a 500.
MAX_INT = 2**31 - 1
ItemId = Annotated[int, Path(ge=1, le=MAX_INT)]


def _names(names: Any) -> str:
    return "|".join(names)


# fields[items]=name,createdAt (empty: no fields); sort=-createdAt,name (- for descending);
# include=parent.
Fields = Annotated[
    str | None,
    Query(
        alias=f"fields[{TYPE}]",
        pattern=rf"^(({_names(FIELDS)})(,({_names(FIELDS)}))*)?$",
        description=f"The fields to return, comma-separated: {', '.join(FIELDS)}",
    ),
]
Include = Annotated[
    str | None,
    Query(pattern="^parent$", description="The related items to include: parent"),
]
Sort = Annotated[
    str | None,
    Query(
        pattern=rf"^-?({_names(SORTABLE)})(,-?({_names(SORTABLE)}))*$",
        description=f"Sort fields, comma-separated, - for descending: {', '.join(SORTABLE)}",
    ),
]

router = APIRouter(
    tags=["items"],
    default_response_class=JsonApiResponse,
    dependencies=[AcceptsJsonApi],
    responses=problem_responses(400, 406, 422),
)


def _fields(fields: str | None) -> list[str]:
    if fields is None:
        return list(FIELDS)
    return [name for name in fields.split(",") if name]


async def _parent_id(relationships: NewRelationships, service: ItemUseCases) -> int | None:
    """The parent a document names, once it is known to be an item that exists: 409 for
    another type, 404 for an item that does not exist (the spec's rules)."""
    identifier = relationships.parent.data if relationships.parent else None
    if identifier is None:
        return None
    if identifier.type != TYPE:
        raise ConflictError(f"A parent is one of the {TYPE!r}, not {identifier.type!r}.")
    if not re.fullmatch("[1-9][0-9]{0,9}", identifier.id) or int(identifier.id) > MAX_INT:
        raise NotFoundError(f"Item {identifier.id!r} does not exist.")
    return (await service.get(int(identifier.id))).id


def _order_by(sort: str | None) -> list[str]:
    """JSON:API sort fields as the store's order_by (item field names, - for descending)."""
    order = []
    for field in (sort or "").split(","):
        if field:
            name = SORTABLE[field.removeprefix("-")]
            order.append(f"-{name}" if field.startswith("-") else name)
    return order


# Routes leave unset fields out (response_model_exclude_unset): a sparse fieldset omits the
# attributes it does not name rather than sending them as null.
@router.get(
    "/items",
    response_model_exclude_unset=True,
    dependencies=[only_parameters("fields[items]", "sort", "page[offset]", "page[limit]",
                                  "filter[name]", "include")],
)  # fmt: skip
async def list_items(
    request: Request,
    service: ItemServiceDep,
    fields: Fields = None,
    include: Include = None,
    sort: Sort = None,
    offset: Annotated[int, Query(alias="page[offset]", ge=0, le=MAX_INT)] = 0,
    limit: Annotated[int, Query(alias="page[limit]", ge=1, le=100)] = 20,
    name: Annotated[
        str | None,
        Query(alias="filter[name]", max_length=100, description="Case-insensitive substring"),
    ] = None,
) -> ItemCollectionDocument:
    items, total = await service.list(
        limit=limit, offset=offset, name_contains=name, order_by=_order_by(sort)
    )
    collection = ItemCollectionDocument(
        jsonapi=JSONAPI_OBJECT,
        data=[item_resource(item, _fields(fields), request) for item in items],
        links=page_links(request, total, limit, offset),
        meta=PageMeta(total=total),
    )
    if include:
        collection.included = await included_parents(service, items, _fields(fields), request)
    return collection


@router.post(
    "/items",
    status_code=status.HTTP_201_CREATED,
    response_model_exclude_unset=True,
    dependencies=[SentAsJsonApi, only_parameters()],
    responses=problem_responses(403, 404, 409, 415),
)
async def create_item(
    document: Annotated[NewItemDocument, Body(media_type=JSONAPI)],
    service: ItemServiceDep,
    request: Request,
    response: Response,
) -> ItemDocument:
    resource = document.data
    if resource.type != TYPE:
        raise ConflictError(f"This collection holds {TYPE!r} resources, not {resource.type!r}.")
    if resource.id is not None:
        msg = "Ids are given by the server; send the item without one."
        raise AppError(msg, HTTPStatus.FORBIDDEN)
    parent_id = await _parent_id(resource.relationships, service)
    item = await service.create(ItemCreate(**resource.attributes.model_dump(), parent_id=parent_id))
    created = item_resource(item, list(FIELDS), request)
    response.headers["Location"] = created.links.self
    return ItemDocument(jsonapi=JSONAPI_OBJECT, data=created, links=created.links)


@router.get(
    "/items/{item_id}",
    dependencies=[only_parameters("fields[items]", "include")],
    response_model_exclude_unset=True,
    responses=problem_responses(404),
)
async def get_item(
    item_id: ItemId,
    service: ItemServiceDep,
    request: Request,
    fields: Fields = None,
    include: Include = None,
) -> ItemDocument:
    item = await service.get(item_id)
    document = ItemDocument(
        jsonapi=JSONAPI_OBJECT,
        data=item_resource(item, _fields(fields), request),
        links=SelfLink(self=canonical(request.url)),
    )
    if include:
        document.included = await included_parents(service, [item], _fields(fields), request)
    return document


@router.patch(
    "/items/{item_id}",
    response_model_exclude_unset=True,
    dependencies=[SentAsJsonApi, only_parameters()],
    responses=problem_responses(404, 409, 415),
)
async def update_item(
    item_id: ItemId,
    document: Annotated[ItemChangesDocument, Body(media_type=JSONAPI)],
    service: ItemServiceDep,
    request: Request,
) -> ItemDocument:
    resource = document.data
    if resource.type != TYPE or resource.id != str(item_id):
        msg = f"The document names {resource.type!r} {resource.id!r}, not {TYPE!r} '{item_id}'."
        raise ConflictError(msg)
    changes = resource.attributes.model_dump(exclude_unset=True)
    if resource.relationships.parent is not None:
        changes["parent_id"] = await _parent_id(resource.relationships, service)
    item = await service.update(item_id, ItemUpdate.model_validate(changes))
    changed = item_resource(item, list(FIELDS), request)
    return ItemDocument(jsonapi=JSONAPI_OBJECT, data=changed, links=changed.links)


@router.delete(
    "/items/{item_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[only_parameters()],
    responses=problem_responses(404, 409),
)
async def delete_item(item_id: ItemId, service: ItemServiceDep) -> Response:
    await service.delete(item_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
