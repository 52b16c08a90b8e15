{%- set modular = cookiecutter.selections.architecture[0] == "modular-monolith" -%}
"""The example resource as a GraphQL schema (Strawberry), over the same item use cases as
every other API type. ``python -m app.api.graphql`` prints it: ``make schema`` writes it to
schema.graphql, and a test fails when that file is stale."""

import asyncio
import base64
import binascii
import sys
from collections import OrderedDict
from collections.abc import Awaitable, Iterator
from datetime import datetime
from http import HTTPStatus
from typing import Annotated, Any, ClassVar, Self, TypeVar

import strawberry
from graphql import GraphQLError, build_schema, lexicographic_sort_schema, print_schema
from pydantic import BaseModel, ValidationError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.fastapi import BaseContext
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

from app.core import outage
from app.core.problems import AppError
{%- if modular %}
from app.modules.reports import ReportService
{%- endif %}
from app.schemas.items import ItemCreate, ItemRead, ItemUpdate, ItemUseCases

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

# Ids fit the database's 32-bit integers, as GraphQL's Int does; a page holds at most 100.
MAX_PAGE = 100
DEFAULT_PAGE = 20
MAX_NAME_FILTER = 100
# Limits on what one request may ask for, checked before anything runs.
MAX_DEPTH = 6
MAX_ALIASES = 15
MAX_TOKENS = 2000
# Parsed and validated queries kept for the next request with the same text: clients send the
# same few queries over and over, and validating one costs more than running it. Only short
# ones: the token limit counts a 1 MiB string literal as one token, and 256 of those would be
# hundreds of megabytes kept.
CACHED_QUERIES = 256
CACHED_QUERY_CHARS = 16_384

# The codes clients switch on (`errors[].extensions.code`).
BAD_USER_INPUT = "BAD_USER_INPUT"
CODES = {
    HTTPStatus.NOT_FOUND: "NOT_FOUND",
    HTTPStatus.CONFLICT: "CONFLICT",
    HTTPStatus.UNPROCESSABLE_ENTITY: BAD_USER_INPUT,
    HTTPStatus.SERVICE_UNAVAILABLE: "UNAVAILABLE",
}


class Context(BaseContext):
    def __init__(self, items: ItemUseCases{% if modular %}, reports: ReportService{% endif %}) -> None:
        super().__init__()
        self.items = items
        # GraphQL resolves a query's sibling fields concurrently, but they share the request's
        # store session (one connection, one transaction): they take turns with it.
        self.store_turn = asyncio.Lock()
{%- if modular %}
        self.reports = reports
{%- endif %}


Info = strawberry.Info[Context, None]
# `id` in the schema, as clients expect; `item_id` in Python, which has an id() already.
ItemId = Annotated[int, strawberry.argument(name="id")]


def user_input_error(message: str, errors: list[dict[str, Any]] | None = None) -> GraphQLError:
    extensions: dict[str, Any] = {"code": BAD_USER_INPUT}
    if errors:
        extensions["errors"] = errors
    return GraphQLError(message, extensions=extensions)


async def _answer(info: Info, call: Awaitable[T]) -> T:
    """The use case's result, once the store is this field's turn; its errors become GraphQL
    errors with a code (a store that cannot be reached: UNAVAILABLE, as HTTP's 503)."""
    try:
        async with info.context.store_turn:
            return await call
    except AppError as exc:
        code = CODES.get(HTTPStatus(exc.status), "INTERNAL_SERVER_ERROR")
        raise GraphQLError(exc.detail, extensions={"code": code}) from exc
    except Exception as exc:
        request = info.context.request  # set by the GraphQL router for every operation
        resources = request.app.state.resources.values() if request is not None else ()
        if outage.claim(resources, exc) is None:
            raise
        extensions = {"code": "UNAVAILABLE", "retryAfter": outage.RETRY_AFTER_SECONDS}
        raise GraphQLError(outage.DETAIL, extensions=extensions) from exc


def _validated(model: type[M], fields: dict[str, Any]) -> M:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        errors = [
            {"field": ".".join(str(part) for part in error["loc"]), "message": error["msg"]}
            for error in exc.errors()
        ]
        raise user_input_error("The input is not valid.", errors) from exc


@strawberry.type(description="An item of the example resource.")
class Item:
    id: int
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, item: ItemRead) -> Self:
        return cls(**item.model_dump(exclude={"parent_id"}))


@strawberry.type(description="Where a page sits in the whole list (Relay cursor connections).")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class ItemEdge:
    cursor: str
    node: Item


@strawberry.type(description="A page of items and the cursors to move on from it.")
class ItemConnection:
    edges: list[ItemEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Items matching the filter, over all pages")


def cursor_of(position: int) -> str:
    """An opaque cursor for the item at this position of the list."""
    return base64.urlsafe_b64encode(f"item:{position}".encode()).decode()


def position_of(cursor: str) -> int:
    try:
        kind, _, position = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "item" and position.isdecimal() and len(position) <= 10:
            return int(position)
    except (binascii.Error, UnicodeError):
        pass
    raise user_input_error(f"{cursor!r} is not a cursor this API gave out.")


@strawberry.input(description="A new item.")
class CreateItemInput:
    name: str
    description: str | None = None


@strawberry.input(description="The fields to change; those left out keep their value.")
class UpdateItemInput:
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Cannot be null: leave it out to keep the name."
    )
    description: str | None = strawberry.UNSET


def _sent(data: object) -> dict[str, Any]:
    """The input's fields the request gave, null ones included."""
    return {key: value for key, value in vars(data).items() if value is not strawberry.UNSET}
{%- if modular %}


@strawberry.type(description="Figures computed by the reports module.")
class ItemReport:
    total: int = strawberry.field(description="Items stored")
    described: int = strawberry.field(description="Items with a description")
{%- endif %}


# The resolvers, as plain functions: `strawberry.field(resolver=...)` keeps their types, where
# a decorator with arguments would hide them from mypy.
async def get_item(info: Info, item_id: ItemId) -> Item | None:
    return Item.of(await _answer(info, info.context.items.get(item_id)))


async def list_items(
    info: Info,
    first: int = DEFAULT_PAGE,
    after: str | None = None,
    name_contains: str | None = None,
) -> ItemConnection:
    if not 1 <= first <= MAX_PAGE:
        raise user_input_error(f"first must be between 1 and {MAX_PAGE}.")
    if name_contains is not None and len(name_contains) > MAX_NAME_FILTER:
        raise user_input_error(f"nameContains is at most {MAX_NAME_FILTER} characters.")
    offset = 0 if after is None else position_of(after) + 1
    listed = info.context.items.list(limit=first, offset=offset, name_contains=name_contains)
    page, total = await _answer(info, listed)
    edges = [
        ItemEdge(cursor=cursor_of(offset + index), node=Item.of(item))
        for index, item in enumerate(page)
    ]
    page_info = PageInfo(
        has_next_page=offset + len(page) < total,
        has_previous_page=offset > 0,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return ItemConnection(edges=edges, page_info=page_info, total_count=total)
{%- if modular %}


async def get_item_report(info: Info) -> ItemReport:
    report = await _answer(info, info.context.reports.items_report())
    return ItemReport(total=report.total, described=report.described)
{%- endif %}


async def create_item(info: Info, input: CreateItemInput) -> Item:  # noqa: A002
    data = _validated(ItemCreate, _sent(input))
    return Item.of(await _answer(info, info.context.items.create(data)))


async def update_item(info: Info, item_id: ItemId, input: UpdateItemInput) -> Item:  # noqa: A002
    data = _validated(ItemUpdate, _sent(input))
    return Item.of(await _answer(info, info.context.items.update(item_id, data)))


async def delete_item(info: Info, item_id: ItemId) -> int:
    await _answer(info, info.context.items.delete(item_id))
    return item_id


@strawberry.type
class Query:
    item: Item | None = strawberry.field(
        resolver=get_item, description="One item; null, with a NOT_FOUND error, if there is none."
    )
    items: ItemConnection = strawberry.field(
        resolver=list_items, description="Items by id, a page at a time (`first` at most 100)."
    )
{%- if modular %}
    item_report: ItemReport = strawberry.field(
        resolver=get_item_report, description="Figures over all items, from the reports module."
    )
{%- endif %}


@strawberry.type
class Mutation:
    create_item: Item = strawberry.mutation(
        resolver=create_item, description="Adds an item; a CONFLICT error if the name is taken."
    )
    update_item: Item = strawberry.mutation(
        resolver=update_item, description="Changes the fields given; NOT_FOUND or CONFLICT errors."
    )
    delete_item: int = strawberry.mutation(
        resolver=delete_item, description="Deletes an item and returns its id; NOT_FOUND if none."
    )


class ItemSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log the server's own failures only: an error with a code, or one in the query
        itself, is the client's to handle."""
        failures = [
            error
            for error in errors
            if error.original_error is not None and "code" not in (error.extensions or {})
        ]
        super().process_errors(failures, execution_context)


def _cacheable(query: str | None) -> bool:
    return query is not None and len(query) <= CACHED_QUERY_CHARS


class ShortQueryParserCache(ParserCache):
    """Strawberry's parser cache, for queries short enough to keep; it parses the others."""

    def on_parse(self) -> Iterator[None]:
        if _cacheable(self.execution_context.query):
            yield from super().on_parse()
        else:
            yield


class ValidationByText(SchemaExtension):
    """The validation errors of each recent query, kept by its text and the validation rules,
    so a repeated query is not validated again (it validates the others). Keyed by the text,
    not the parsed document: graphql-core counts two documents equal when only their line
    breaks differ, and their errors' locations are not the same."""

    kept: ClassVar[OrderedDict[tuple[str, tuple[Any, ...]], list[GraphQLError]]] = OrderedDict()

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        query, document = context.query, context.graphql_document
        if query is not None and _cacheable(query) and document is not None:
            key = (query, tuple(context.validation_rules))
            errors = self.kept.get(key)
            if errors is None:
                errors = validate_document(context.schema._schema, document, key[1])
                self.kept[key] = errors
                if len(self.kept) > CACHED_QUERIES:
                    self.kept.popitem(last=False)
            else:
                self.kept.move_to_end(key)
            context.pre_execution_errors = list(errors)
        yield


# The limits' validation rules, made once: the validation cache is keyed by the rules as well
# as the query, and a limiter made per request makes rule classes of its own each time.
LIMITS = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]

schema = ItemSchema(
    query=Query,
    mutation=Mutation,
    extensions=[
        lambda: AddValidationRules(LIMITS),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ShortQueryParserCache(maxsize=CACHED_QUERIES),
        ValidationByText,
    ],
)


def schema_sdl() -> str:
    """The schema in SDL, types in alphabetical order (what schema.graphql holds)."""
    return print_schema(lexicographic_sort_schema(build_schema(schema.as_str()))) + "\n"


def main() -> None:
    sys.stdout.write(schema_sdl())


if __name__ == "__main__":
    main()
