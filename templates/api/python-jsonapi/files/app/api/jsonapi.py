"""JSON:API 1.1 (https://jsonapi.org/format/1.1/): the media type and its negotiation, the
documents the items resource reads and writes, and the query parameters it takes.

Written here rather than taken from a library: fastapi-jsonapi, the maintained FastAPI one,
owns the data layer (SQLAlchemy models and its own queries), while these routes sit on the
same item service every architecture style and store provides.
"""

from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlencode

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator
from pydantic.alias_generators import to_camel
from pydantic.json_schema import SkipJsonSchema
from starlette.datastructures import URL

from app.core.error_format import JSONAPI
from app.core.problems import AppError, NotFoundError
from app.schemas.items import ItemFieldChanges, ItemFields, ItemRead, ItemUseCases

TYPE = "items"
# The media type parameters a client may use: this server supports no extensions (ext), and
# it may ignore profiles it does not know (the spec's rules).
ALLOWED_PARAMETERS = {"profile"}


class JsonApiResponse(JSONResponse):
    media_type = JSONAPI


class JsonApiObject(BaseModel):
    version: Literal["1.1"]


JSONAPI_OBJECT = JsonApiObject(version="1.1")


class SelfLink(BaseModel):
    self: str


class ItemAttributes(BaseModel):
    """An item's attributes; a sparse fieldset (``fields[items]``) may leave any out."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    name: str | SkipJsonSchema[None] = None
    description: str | None = None
    created_at: datetime | SkipJsonSchema[None] = None
    updated_at: datetime | SkipJsonSchema[None] = None


# The attributes as JSON:API names them (camelCase, its recommendation), and the fields a
# list may be sorted by, with the item field behind each.
ATTRIBUTES = {field.alias or name: name for name, field in ItemAttributes.model_fields.items()}
SORTABLE = {"id": "id"} | {
    alias: name for alias, name in ATTRIBUTES.items() if alias != "description"
}
# An item's relationships, by name: the item it sits under. Sparse fieldsets name them too.
RELATIONSHIPS = ("parent",)
FIELDS = (*ATTRIBUTES, *RELATIONSHIPS)


class ItemIdentifier(BaseModel):
    type: Literal["items"]
    id: str


class ToOne(BaseModel):
    data: ItemIdentifier | None = Field(description="null when the item sits under nothing")


class ItemRelationships(BaseModel):
    parent: ToOne


class ItemResource(BaseModel):
    type: Literal["items"]
    id: str
    attributes: ItemAttributes
    # Left out when a sparse fieldset leaves out every relationship.
    relationships: ItemRelationships | SkipJsonSchema[None] = None
    links: SelfLink


class ItemDocument(BaseModel):
    jsonapi: JsonApiObject
    data: ItemResource
    links: SelfLink
    included: list[ItemResource] | SkipJsonSchema[None] = Field(
        None, description="The related items ?include asked for"
    )


class PageLinks(BaseModel):
    self: str
    first: str
    last: str
    # Left out when there is no such page (the spec allows null too, but JSON:API's own
    # schema takes every member of links to be a link).
    prev: str | SkipJsonSchema[None] = Field(None, description="Absent on the first page")
    next: str | SkipJsonSchema[None] = Field(None, description="Absent on the last page")


class PageMeta(BaseModel):
    total: int = Field(description="Items matching the filter, over all pages")


class ItemCollectionDocument(BaseModel):
    jsonapi: JsonApiObject
    data: list[ItemResource]
    links: PageLinks
    meta: PageMeta
    included: list[ItemResource] | SkipJsonSchema[None] = Field(
        None, description="The related items ?include asked for"
    )


# A resource of another type is a 409 (the spec's rule), not a 422: it is read as any string.
ResourceType = Annotated[str, WithJsonSchema({"type": "string", "enum": [TYPE]})]


class NewIdentifier(BaseModel):
    """A resource identifier a client sends: its type is checked by the route (409), and an
    id that names no item is a 404."""

    type: ResourceType
    id: str


class NewToOne(BaseModel):
    data: NewIdentifier | None


class NewAttributes(ItemFields):
    # A member the resource does not have is a 422 pointing at it, never silently dropped (a
    # client library sending the relationship as an attribute must learn it was not taken).
    model_config = ConfigDict(extra="forbid")


class AttributeChanges(ItemFieldChanges):
    model_config = ConfigDict(extra="forbid")


class NewRelationships(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Left out: the relationship stays as it is (on create: the item sits under nothing).
    parent: NewToOne | SkipJsonSchema[None] = None

    @field_validator("parent")
    @classmethod
    def _parent_is_not_null(cls, value: NewToOne | None) -> NewToOne:
        # A relationship is an object; {"data": null} is how a client says "no parent".
        if value is None:
            raise ValueError("parent must be a relationship object, not null")
        return value


class NewItem(BaseModel):
    type: ResourceType
    # Ids are the server's: a client-generated one is refused with 403 (see the route).
    id: SkipJsonSchema[str | None] = None
    attributes: NewAttributes
    relationships: NewRelationships = Field(default_factory=NewRelationships)


class NewItemDocument(BaseModel):
    data: NewItem


class ItemChanges(BaseModel):
    type: ResourceType
    id: str
    attributes: AttributeChanges = Field(default_factory=AttributeChanges)
    relationships: NewRelationships = Field(default_factory=NewRelationships)


class ItemChangesDocument(BaseModel):
    data: ItemChanges


def item_resource(item: ItemRead, fields: list[str], request: Request) -> ItemResource:
    """The item as a resource object with the attributes and relationships named by
    ``fields`` only."""
    attributes = ItemAttributes.model_validate(
        {alias: getattr(item, ATTRIBUTES[alias]) for alias in fields if alias in ATTRIBUTES}
    )
    links = SelfLink(self=str(request.url_for("get_item", item_id=item.id)))
    resource = ItemResource(type=TYPE, id=str(item.id), attributes=attributes, links=links)
    if "parent" in fields:
        parent = ItemIdentifier(type=TYPE, id=str(item.parent_id)) if item.parent_id else None
        resource.relationships = ItemRelationships(parent=ToOne(data=parent))
    return resource


async def included_parents(
    service: ItemUseCases, items: list[ItemRead], fields: list[str], request: Request
) -> list[ItemResource]:
    """The parents of ``items`` as ``included`` resource objects: each once, and none that is
    already primary data (a compound document holds every resource once)."""
    primary = {item.id for item in items}
    wanted = sorted({item.parent_id for item in items if item.parent_id is not None} - primary)
    included = []
    for parent_id in wanted:
        try:
            parent = await service.get(parent_id)
        except NotFoundError:  # deleted in a race a document store cannot rule out
            continue
        included.append(item_resource(parent, fields, request))
    return included


def canonical(url: URL) -> str:
    """The URL with its query string percent-encoded as a form would be (brackets too: a raw
    ``[`` is not allowed in a URI's query), so every link is a valid URI."""
    return str(url.replace(query=urlencode(parse_qsl(url.query, keep_blank_values=True))))


def page_links(request: Request, total: int, limit: int, offset: int) -> PageLinks:
    """Links to this page, the first and last, and the previous and next when there are any."""

    def page(at: int) -> str:
        return str(request.url.include_query_params(**{"page[offset]": at, "page[limit]": limit}))

    last = max(total - 1, 0) // limit * limit
    links = PageLinks(self=canonical(request.url), first=page(0), last=page(last))
    if offset > 0:
        links.prev = page(max(offset - limit, 0))
    if offset + limit < total:
        links.next = page(offset + limit)
    return links


def bad_parameter(name: str, message: str) -> RequestValidationError:
    """A 400 whose error object names the query parameter (source.parameter)."""
    return RequestValidationError([{"loc": ("query", name), "msg": message, "type": "value_error"}])


def _media_type(value: str) -> tuple[str, dict[str, str]]:
    media_type, *parameters = (part.strip() for part in value.split(";"))
    pairs = (parameter.partition("=") for parameter in parameters if parameter)
    return media_type.lower(), {key.strip().lower(): value.strip() for key, _, value in pairs}


def _weight(parameters: dict[str, str]) -> float:
    try:
        return float(parameters.pop("q", "1"))
    except ValueError:
        return 0.0


def _negotiate(request: Request) -> None:
    """406 unless the Accept header (if any) takes JSON:API as this server sends it. As the
    spec says: when it names JSON:API, at least one instance must carry no media type
    parameters but profile; otherwise a wildcard must cover it."""
    accept = request.headers.get("accept")
    if accept is None:
        return
    offered = [_media_type(entry) for entry in accept.split(",")]
    jsonapi = [parameters for media_type, parameters in offered if media_type == JSONAPI]
    if jsonapi:
        acceptable = any(_weight(p) > 0 and set(p) <= ALLOWED_PARAMETERS for p in jsonapi)
    else:
        acceptable = any(m in {"*/*", "application/*"} and _weight(p) > 0 for m, p in offered)
    if not acceptable:
        msg = f"This API answers in {JSONAPI} with no media type parameters but profile."
        raise AppError(msg, HTTPStatus.NOT_ACCEPTABLE)


def _sent_as_jsonapi(request: Request) -> None:
    """415 unless the body is sent as JSON:API with no media type parameters but profile."""
    media_type, parameters = _media_type(request.headers.get("content-type", ""))
    if media_type != JSONAPI or not set(parameters) <= ALLOWED_PARAMETERS:
        msg = f"Send the document as {JSONAPI} with no media type parameters but profile."
        raise AppError(msg, HTTPStatus.UNSUPPORTED_MEDIA_TYPE)


def _only(*names: str) -> Callable[[Request], None]:
    def check(request: Request) -> None:
        """JSON:API: a query parameter the endpoint does not know how to process is a 400."""
        for name in request.query_params:
            if name not in names:
                takes = ", ".join(names) or "no query parameters"
                raise bad_parameter(name, f"Unknown query parameter; this endpoint takes {takes}.")

    return check


def only_parameters(*names: str) -> Any:
    """A route dependency: refuse query parameters other than ``names`` with a 400."""
    return Depends(_only(*names))


AcceptsJsonApi = Depends(_negotiate)
SentAsJsonApi = Depends(_sent_as_jsonapi)
