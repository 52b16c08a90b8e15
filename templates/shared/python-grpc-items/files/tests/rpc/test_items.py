"""items.v1.ItemService, health and reflection, called by a real gRPC client over loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from app.core.config import Settings
from app.main import create_app
from app.rpc.gen.items.v1 import items_pb2, items_pb2_grpc
from app.rpc.items import page_token
from app.rpc.wiring import item_use_cases
from tests.apps import app_client

if TYPE_CHECKING:  # the asyncio stub's type exists in the generated .pyi only
    from app.rpc.gen.items.v1.items_pb2_grpc import ItemServiceAsyncStub as Stub


@pytest.fixture
async def channel(settings: Settings, database: object) -> AsyncIterator[grpc.aio.Channel]:
    """The app started as a server does (gRPC on a free port), a channel to it; the items the
    test made through gRPC are deleted afterwards (they were committed for real)."""
    app = create_app(settings)
    async with app_client(app):
        address = f"127.0.0.1:{app.state.grpc_port}"
        async with grpc.aio.insecure_channel(address) as channel:
            yield channel
        async with item_use_cases(app.state.resources)() as items:
            page, _ = await items.list(limit=100, offset=0)
            for item in page:
                await items.delete(item.id)


@pytest.fixture
def stub(channel: grpc.aio.Channel) -> Stub:
    return items_pb2_grpc.ItemServiceStub(channel)


async def create(stub: Stub, name: str, description: str | None = None) -> items_pb2.Item:
    request = items_pb2.CreateItemRequest(name=name)
    if description is not None:
        request.description = description
    return await stub.CreateItem(request)


async def status_of(call: object) -> grpc.StatusCode:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await call  # type: ignore[misc]
    return raised.value.code()


async def test_create_then_get(stub: Stub) -> None:
    item = await create(stub, " Lamp ", "Bright.")
    assert (item.name, item.description) == ("Lamp", "Bright.")
    assert item.create_time.seconds > 0
    assert await stub.GetItem(items_pb2.GetItemRequest(id=item.id)) == item
    plain = await create(stub, "Desk")
    assert not plain.HasField("description")


async def test_a_taken_name_is_already_exists(stub: Stub) -> None:
    await create(stub, "Lamp")
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await create(stub, "Lamp")
    assert raised.value.code() == grpc.StatusCode.ALREADY_EXISTS
    assert "Lamp" in (raised.value.details() or "")


@pytest.mark.parametrize(
    ("name", "description", "field"),
    [
        ("", None, "name"),
        ("   ", None, "name"),
        ("x" * 101, None, "name"),
        ("ok", "d" * 1001, "description"),
    ],
)
async def test_invalid_fields_are_invalid_argument(
    stub: Stub, name: str, description: str | None, field: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await create(stub, name, description)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert (raised.value.details() or "").startswith(f"{field}:")


async def test_a_missing_item_is_not_found(stub: Stub) -> None:
    assert await status_of(stub.GetItem(items_pb2.GetItemRequest(id=999_999))) == (
        grpc.StatusCode.NOT_FOUND
    )


async def test_update_changes_only_the_fields_set(stub: Stub) -> None:
    item = await create(stub, "Lamp", "Old.")
    updated = await stub.UpdateItem(items_pb2.UpdateItemRequest(id=item.id, description="New."))
    assert (updated.name, updated.description) == ("Lamp", "New.")
    renamed = await stub.UpdateItem(items_pb2.UpdateItemRequest(id=item.id, name="Desk lamp"))
    assert (renamed.name, renamed.description) == ("Desk lamp", "New.")
    cleared = await stub.UpdateItem(items_pb2.UpdateItemRequest(id=item.id, clear_description=True))
    assert not cleared.HasField("description")


async def test_update_errors(stub: Stub) -> None:
    await create(stub, "Lamp")
    desk = await create(stub, "Desk")
    rename = items_pb2.UpdateItemRequest(id=desk.id, name="Lamp")
    assert await status_of(stub.UpdateItem(rename)) == grpc.StatusCode.ALREADY_EXISTS
    missing = items_pb2.UpdateItemRequest(id=999_999, name="x")
    assert await status_of(stub.UpdateItem(missing)) == grpc.StatusCode.NOT_FOUND
    both = items_pb2.UpdateItemRequest(id=desk.id, description="x", clear_description=True)
    assert await status_of(stub.UpdateItem(both)) == grpc.StatusCode.INVALID_ARGUMENT
    blank = items_pb2.UpdateItemRequest(id=desk.id, name="")
    assert await status_of(stub.UpdateItem(blank)) == grpc.StatusCode.INVALID_ARGUMENT


async def test_delete_once(stub: Stub) -> None:
    item = await create(stub, "Gone")
    await stub.DeleteItem(items_pb2.DeleteItemRequest(id=item.id))
    request = items_pb2.DeleteItemRequest(id=item.id)
    assert await status_of(stub.DeleteItem(request)) == grpc.StatusCode.NOT_FOUND


async def test_pages_follow_the_tokens(stub: Stub) -> None:
    made = [(await create(stub, f"page-{n}")).id for n in range(5)]
    seen: list[int] = []
    token = ""
    pages = 0
    while True:
        page = await stub.ListItems(items_pb2.ListItemsRequest(page_size=2, page_token=token))
        assert page.total_size == 5
        seen += [item.id for item in page.items]
        pages += 1
        if not page.next_page_token:
            break
        token = page.next_page_token
    assert (pages, seen) == (3, made)


async def test_list_filters_by_name(stub: Stub) -> None:
    await create(stub, "Desk lamp")
    await create(stub, "Chair")
    page = await stub.ListItems(items_pb2.ListItemsRequest(name_contains="LAMP"))
    assert [item.name for item in page.items] == ["Desk lamp"]
    assert page.next_page_token == ""


@pytest.mark.parametrize(
    "request_",
    [
        items_pb2.ListItemsRequest(page_size=101),
        items_pb2.ListItemsRequest(page_size=-1),
        items_pb2.ListItemsRequest(page_token="not-a-token"),  # noqa: S106 - not a password
        items_pb2.ListItemsRequest(page_token=page_token(0).replace("b2Zm", "eHh4")),
        items_pb2.ListItemsRequest(name_contains="x" * 101),
    ],
)
async def test_bad_list_requests_are_invalid_argument(
    stub: Stub, request_: items_pb2.ListItemsRequest
) -> None:
    assert await status_of(stub.ListItems(request_)) == grpc.StatusCode.INVALID_ARGUMENT


async def test_stream_sends_every_matching_item(stub: Stub) -> None:
    lamps = [(await create(stub, f"lamp {n}")).id for n in range(3)]
    await create(stub, "Chair")
    lamp_stream = stub.StreamItems(items_pb2.StreamItemsRequest(name_contains="lamp"))
    streamed = [item.id async for item in lamp_stream]
    assert streamed == lamps
    everything = stub.StreamItems(items_pb2.StreamItemsRequest())
    assert len([item async for item in everything]) == 4


async def test_a_bad_stream_request_is_invalid_argument(stub: Stub) -> None:
    call = stub.StreamItems(items_pb2.StreamItemsRequest(name_contains="x" * 101))
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        [item async for item in call]
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_health_reports_serving(channel: grpc.aio.Channel) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    for service in ("", "items.v1.ItemService"):
        answer = await health.Check(health_pb2.HealthCheckRequest(service=service))
        assert answer.status == health_pb2.HealthCheckResponse.SERVING
    unknown = health.Check(health_pb2.HealthCheckRequest(service="nope"))
    assert await status_of(unknown) == grpc.StatusCode.NOT_FOUND


async def test_reflection_lists_the_services(channel: grpc.aio.Channel) -> None:
    reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    responses = [answer async for answer in reflection.ServerReflectionInfo(iter([request]))]
    names = {service.name for service in responses[0].list_services_response.service}
    assert {"items.v1.ItemService", "grpc.health.v1.Health"} <= names
