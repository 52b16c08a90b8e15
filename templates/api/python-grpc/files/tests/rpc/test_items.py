"""items.v1.ItemService, health and reflection, called by a real gRPC client over loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import grpc
import pytest
from google.protobuf import descriptor_pool, message_factory
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

from app.core.config import Settings
from app.main import create_app
from app.rpc.gen.items.v1 import items_pb2, items_pb2_grpc
from app.rpc.items import page_token
from app.rpc.wiring import item_use_cases
from tests.apps import app_client

if TYPE_CHECKING:  # the asyncio stub's type exists in the generated .pyi only
    from app.rpc.gen.items.v1.items_pb2_grpc import ItemServiceAsyncStub as Stub


@pytest.fixture
async def address(settings: Settings, database: object) -> AsyncIterator[str]:
    """The app started as a server does (gRPC on a free port), and its address; the items the
    test made through gRPC are deleted afterwards (they were committed for real)."""
    app = create_app(settings)
    async with app_client(app):
        yield f"127.0.0.1:{app.state.grpc_port}"
        async with item_use_cases(app.state.resources)() as items:
            page, _ = await items.list(limit=100, offset=0)
            for item in page:
                await items.delete(item.id)


@pytest.fixture
async def channel(address: str) -> AsyncIterator[grpc.aio.Channel]:
    async with grpc.aio.insecure_channel(address) as channel:
        yield channel


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


@pytest.mark.parametrize(
    ("change", "details"),
    [
        (items_pb2.UpdateItemRequest(name=""), "name: String should have at least 1 character"),
        (items_pb2.UpdateItemRequest(name="  "), "name: String should have at least 1 character"),
        (
            items_pb2.UpdateItemRequest(name="x" * 101),
            "name: String should have at most 100 characters",
        ),
        (
            items_pb2.UpdateItemRequest(description="d" * 1001),
            "description: String should have at most 1000 characters",
        ),
    ],
    ids=["empty name", "blank name", "long name", "long description"],
)
async def test_invalid_changes_name_the_field_and_the_rule(
    stub: Stub, change: items_pb2.UpdateItemRequest, details: str
) -> None:
    """Only the field and its rule: not pydantic's names for the members of the union type
    the optional name is checked against (name.constrained-str, name.none)."""
    item = await create(stub, "Lamp")
    request = items_pb2.UpdateItemRequest(id=item.id)
    request.MergeFrom(change)
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await stub.UpdateItem(request)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.details() == details


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


class ReflectionV1Channel:
    """A channel to hand grpcio-reflection's client (written for v1alpha) so that it asks
    grpc.reflection.v1 instead: the two versions' messages are the same on the wire."""

    def __init__(self, channel: grpc.Channel) -> None:
        self.channel = channel

    def stream_stream(self, method: str, *args: Any, **kwargs: Any) -> Any:
        v1 = method.replace("/grpc.reflection.v1alpha.", "/grpc.reflection.v1.")
        assert v1 != method
        return self.channel.stream_stream(v1, *args, **kwargs)


def call_knowing_only_reflection(address: str, version: str) -> dict[str, Any]:
    """What a client with no copy of the .proto does (grpcurl, Postman): it learns the service,
    its messages and the files they import (google/protobuf/timestamp.proto) from reflection,
    builds the messages from those descriptors, then calls CreateItem."""
    with grpc.insecure_channel(address) as channel:
        asked = channel if version == "v1alpha" else ReflectionV1Channel(channel)
        reflection = ProtoReflectionDescriptorDatabase(asked)
        services = set(reflection.get_services())
        pool = descriptor_pool.DescriptorPool(reflection)
        service = pool.FindServiceByName("items.v1.ItemService")
        method = service.methods_by_name["CreateItem"]
        request_type = message_factory.GetMessageClass(method.input_type)
        response_type = message_factory.GetMessageClass(method.output_type)
        create_item = channel.unary_unary(
            f"/{service.full_name}/{method.name}",
            request_serializer=request_type.SerializeToString,
            response_deserializer=response_type.FromString,
        )
        item = create_item(request_type(name=f"Reflected {version}"), timeout=10)
        v1 = pool.FindServiceByName("grpc.reflection.v1.ServerReflection")
        return {
            "services": services,
            "imports": {file.name for file in service.file.dependencies},
            "name": item.name,
            "created": item.create_time.DESCRIPTOR.full_name,
            "seconds": item.create_time.seconds,
            "v1 request": v1.methods_by_name["ServerReflectionInfo"].input_type.full_name,
        }


@pytest.mark.parametrize("version", ["v1", "v1alpha"])
async def test_a_client_that_knows_only_reflection_can_call(address: str, version: str) -> None:
    # A blocking client, in a thread: the server answers in this test's event loop.
    answer = await asyncio.to_thread(call_knowing_only_reflection, address, version)
    assert answer["services"] >= {
        "items.v1.ItemService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
    }
    assert answer["imports"] == {"google/protobuf/empty.proto", "google/protobuf/timestamp.proto"}
    assert answer["name"] == f"Reflected {version}"
    assert (answer["created"], answer["seconds"] > 0) == ("google.protobuf.Timestamp", True)
    assert answer["v1 request"] == "grpc.reflection.v1.ServerReflectionRequest"
