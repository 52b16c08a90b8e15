{%- set api = cookiecutter.selections.api[0] -%}
{%- set pages = api in ["rest", "xml"] -%}
"""Request and response bodies for /items."""

from datetime import datetime
from typing import Annotated{% if not pages %}, Protocol{% endif %}{% if pages %}, Self{% endif %}

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError
{%- if pages %}
from starlette.datastructures import URL
{%- endif %}

# No NUL characters: PostgreSQL cannot store them in text, so they are a 422, not a 500.
NO_NUL = r"^[^\x00]*$"
# The whitespace a name is trimmed of, written out rather than as \s, on which regex engines
# (Python's, Rust's in pydantic, a client's JavaScript) disagree. The published pattern asks
# for one character besides them, so no name it allows is refused as empty once trimmed.
SPACE = " \t\n\v\f\r"
NAME_PATTERN = r"^[^\x00]*[^\x00 \t\n\v\f\r][^\x00]*$"


def _trimmed(name: str) -> str:
    trimmed = name.strip(SPACE)
    if not trimmed:
        msg = "String should have at least 1 character"
        raise PydanticCustomError("string_too_short", msg, {"min_length": 1})
    return trimmed


Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=100, pattern=NO_NUL),
    AfterValidator(_trimmed),
    Field(json_schema_extra={"pattern": NAME_PATTERN}),
]
Description = Annotated[str, StringConstraints(max_length=1000, pattern=NO_NUL)]
# Another item's id, as the database's 32-bit integers hold it: a larger one is a 422, not a 500.
ParentId = Annotated[int, Field(ge=1, le=2**31 - 1, description="The item this one sits under")]


class ItemFields(BaseModel):
    """An item's own fields, as a client sends them to create one."""

    name: Name
    description: Description | None = None


class ItemCreate(ItemFields):
    parent_id: ParentId | None = None


class ItemFieldChanges(BaseModel):
    """A partial update of an item's own fields: only the fields sent are changed."""

    # Leaving the name out keeps it; null is refused (below), so the schema does not offer it.
    name: Name | SkipJsonSchema[None] = None
    description: Description | None = None

    @field_validator("name")
    @classmethod
    def _name_is_not_null(cls, value: str | None) -> str:
        # Leaving the name out keeps it; sending null would erase it, which is not allowed.
        if value is None:
            raise ValueError("name cannot be null")
        return value


class ItemUpdate(ItemFieldChanges):
    """A partial update: only the fields sent are changed; a null parent_id takes the item out
    from under its parent."""

    parent_id: ParentId | None = None


class ItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str | None
    parent_id: int | None
    created_at: datetime
    updated_at: datetime
{%- if not pages %}


class ItemUseCases(Protocol):
    """What an API type that is not FastAPI routes (GraphQL, gRPC) needs from the items side,
    whichever style provides it."""

    async def get(self, item_id: int) -> ItemRead: ...

    async def list(
        self, *, limit: int, offset: int, name_contains: str | None = None
    ) -> tuple[list[ItemRead], int]: ...

    async def create(self, data: ItemCreate) -> ItemRead: ...

    async def update(self, item_id: int, data: ItemUpdate) -> ItemRead: ...

    async def delete(self, item_id: int) -> None: ...
{%- endif %}
{%- if pages %}


class PageLinks(BaseModel):
    self: str
    next: str | None = None
    prev: str | None = None

    @classmethod
    def build(cls, total: int, limit: int, offset: int, url: URL) -> Self:
        """Links to this page, and to the next and previous pages when there are any."""
        links = cls(self=str(url))
        if offset + limit < total:
            links.next = str(url.include_query_params(offset=offset + limit, limit=limit))
        if offset > 0:
            links.prev = str(url.include_query_params(offset=max(offset - limit, 0), limit=limit))
        return links


class ItemPage(BaseModel):
    items: list[ItemRead]
    total: int = Field(description="Items matching the filter, over all pages")
    limit: int
    offset: int
    links: PageLinks

    @classmethod
    def build(cls, items: list[ItemRead], total: int, limit: int, offset: int, url: URL) -> Self:
        """One page, with links to the next and previous pages when there are any."""
        links = PageLinks.build(total, limit, offset, url)
        return cls(items=items, total=total, limit=limit, offset=offset, links=links)
{%- endif %}
