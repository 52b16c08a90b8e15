"""items.v1.ItemService (proto/items/v1/items.proto) over the same item use cases as every
other API type; their errors become the standard status codes."""

import base64
import binascii
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from http import HTTPStatus
from typing import Any, NoReturn, TypeVar

import grpc
from google.protobuf import empty_pb2
from pydantic import BaseModel, ValidationError

from app.core.problems import AppError
from app.rpc.gen.items.v1 import items_pb2, items_pb2_grpc
from app.schemas.items import ItemCreate, ItemRead, ItemUpdate, ItemUseCases

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

# What a call works with: the item use cases over one store session, for that call only.
UseCases = Callable[[], AbstractAsyncContextManager[ItemUseCases]]
Context = grpc.aio.ServicerContext[Any, Any]

DEFAULT_PAGE = 20
MAX_PAGE = 100
MAX_NAME_FILTER = 100
STATUS = {
    HTTPStatus.NOT_FOUND: grpc.StatusCode.NOT_FOUND,
    HTTPStatus.CONFLICT: grpc.StatusCode.ALREADY_EXISTS,
    HTTPStatus.UNPROCESSABLE_ENTITY: grpc.StatusCode.INVALID_ARGUMENT,
}


async def _invalid(context: Context, details: str) -> NoReturn:
    await context.abort(grpc.StatusCode.INVALID_ARGUMENT, details)


async def _answer(context: Context, call: Awaitable[T]) -> T:
    """The use case's result; its errors become status codes."""
    try:
        return await call
    except AppError as exc:
        status = STATUS.get(HTTPStatus(exc.status), grpc.StatusCode.INTERNAL)
        await context.abort(status, exc.detail)


def problems(exc: ValidationError) -> str:
    """``field: rule`` for each field that is not valid, in the request's own field names.

    The request models are flat, so a field is the first part of an error's location (a rule
    of the whole request has none). The parts after it name pydantic's internals: a field of a
    union type (the update's optional name) fails once per member, under the member's tag
    (``name.constrained-str``, ``name.none``). The member that is only null says nothing to a
    client that sent a value, so it is left out, and each field is named once.
    """
    rules: dict[str, str] = {}
    for error in exc.errors():
        location = error["loc"]
        if len(location) > 1 and error["type"] == "none_required":
            continue
        rules.setdefault(str(next(iter(location), "request")), error["msg"])
    return "; ".join(f"{field}: {rule}" for field, rule in rules.items())


async def _validated(context: Context, model: type[M], fields: dict[str, Any]) -> M:
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        return await _invalid(context, problems(exc))


def to_message(item: ItemRead) -> items_pb2.Item:
    message = items_pb2.Item(id=item.id, name=item.name)
    if item.description is not None:
        message.description = item.description
    message.create_time.FromDatetime(item.created_at)
    message.update_time.FromDatetime(item.updated_at)
    return message


def page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


async def _offset(context: Context, token: str) -> int:
    if not token:
        return 0
    try:
        kind, _, offset = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        if kind == "offset" and offset.isdecimal() and len(offset) <= 10:
            return int(offset)
    except (binascii.Error, UnicodeError):
        pass
    return await _invalid(context, "page_token is not a token this service gave out")


async def _name_filter(context: Context, name_contains: str) -> str | None:
    if len(name_contains) > MAX_NAME_FILTER:
        await _invalid(context, f"name_contains is at most {MAX_NAME_FILTER} characters")
    return name_contains or None


class ItemServicer(items_pb2_grpc.ItemServiceServicer):
    def __init__(self, use_cases: UseCases) -> None:
        self.use_cases = use_cases

    async def GetItem(  # noqa: N802 - the method names are the proto's
        self, request: items_pb2.GetItemRequest, context: Context
    ) -> items_pb2.Item:
        async with self.use_cases() as items:
            return to_message(await _answer(context, items.get(request.id)))

    async def ListItems(  # noqa: N802
        self, request: items_pb2.ListItemsRequest, context: Context
    ) -> items_pb2.ListItemsResponse:
        size = request.page_size or DEFAULT_PAGE
        if not 1 <= size <= MAX_PAGE:
            await _invalid(context, f"page_size must be between 1 and {MAX_PAGE}")
        offset = await _offset(context, request.page_token)
        name = await _name_filter(context, request.name_contains)
        async with self.use_cases() as items:
            page, total = await items.list(limit=size, offset=offset, name_contains=name)
        response = items_pb2.ListItemsResponse(
            items=[to_message(item) for item in page], total_size=total
        )
        if offset + len(page) < total:
            response.next_page_token = page_token(offset + len(page))
        return response

    async def StreamItems(  # noqa: N802
        self, request: items_pb2.StreamItemsRequest, context: Context
    ) -> AsyncIterator[items_pb2.Item]:
        name = await _name_filter(context, request.name_contains)
        async with self.use_cases() as items:
            offset = 0
            while True:
                page, total = await items.list(limit=MAX_PAGE, offset=offset, name_contains=name)
                for item in page:
                    yield to_message(item)
                offset += len(page)
                if not page or offset >= total:
                    return

    async def CreateItem(  # noqa: N802
        self, request: items_pb2.CreateItemRequest, context: Context
    ) -> items_pb2.Item:
        fields: dict[str, Any] = {"name": request.name}
        if request.HasField("description"):
            fields["description"] = request.description
        data = await _validated(context, ItemCreate, fields)
        async with self.use_cases() as items:
            return to_message(await _answer(context, items.create(data)))

    async def UpdateItem(  # noqa: N802
        self, request: items_pb2.UpdateItemRequest, context: Context
    ) -> items_pb2.Item:
        fields: dict[str, Any] = {}
        if request.HasField("name"):
            fields["name"] = request.name
        if request.clear_description:
            if request.HasField("description"):
                await _invalid(context, "set description or clear_description, not both")
            fields["description"] = None
        elif request.HasField("description"):
            fields["description"] = request.description
        data = await _validated(context, ItemUpdate, fields)
        async with self.use_cases() as items:
            return to_message(await _answer(context, items.update(request.id, data)))

    async def DeleteItem(  # noqa: N802
        self, request: items_pb2.DeleteItemRequest, context: Context
    ) -> empty_pb2.Empty:
        async with self.use_cases() as items:
            await _answer(context, items.delete(request.id))
        return empty_pb2.Empty()
