"""A gRPC client that knows nothing of the project: the harness's check of a served gRPC API
by an independent client, as grpcurl would make it.

It reads the server's own reflection service for the descriptors (no .proto, none of the
project's generated code), builds each request message from them and calls the methods over
plain HTTP/2 (h2c): the standard health service, then the item service's create, get, list,
stream, delete and the errors the .proto documents. What it proves that the project's own tests
cannot: the reflection a tool like grpcurl or Postman relies on describes what is served, and
the service answers a client built from that description alone."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

import grpc
from google.protobuf import descriptor_pool, message_factory
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

SERVICE = "items.v1.ItemService"
HEALTH = "grpc.health.v1.Health"
TIMEOUT = 10


class Mismatch(AssertionError):
    pass


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise Mismatch(message)


def _method(
    channel: grpc.Channel,
    pool: descriptor_pool.DescriptorPool,
    service: str,
    name: str,
    *,
    stream: bool = False,
) -> Callable[..., Any]:
    """A callable taking the request's fields, its messages made from the pool's descriptors."""
    descriptor = pool.FindServiceByName(service).methods_by_name[name]
    request = message_factory.GetMessageClass(descriptor.input_type)
    response = message_factory.GetMessageClass(descriptor.output_type)
    make = channel.unary_stream if stream else channel.unary_unary
    rpc = make(
        f"/{service}/{name}",
        request_serializer=request.SerializeToString,
        response_deserializer=response.FromString,
    )
    return lambda **fields: rpc(request(**fields), timeout=TIMEOUT)


def call(target: str, rpc: str, /, **fields: Any) -> Any:
    """One call of the item service's method ``rpc``, made from reflection (the bench's)."""
    with grpc.insecure_channel(target) as channel:
        grpc.channel_ready_future(channel).result(timeout=TIMEOUT)
        pool = descriptor_pool.DescriptorPool(ProtoReflectionDescriptorDatabase(channel))
        return _method(channel, pool, SERVICE, rpc)(**fields)


def check(target: str) -> None:
    """Raise ``Mismatch`` (or a gRPC error) naming the first answer that is not as documented."""
    with grpc.insecure_channel(target) as channel:
        grpc.channel_ready_future(channel).result(timeout=TIMEOUT)
        database = ProtoReflectionDescriptorDatabase(channel)
        services = set(database.get_services())
        _expect({SERVICE, HEALTH} <= services, f"reflection lists {sorted(services)}")
        pool = descriptor_pool.DescriptorPool(database)

        method = functools.partial(_method, channel, pool)

        def refused(call: Callable[[], Any], code: grpc.StatusCode, what: str) -> None:
            try:
                call()
            except grpc.RpcError as exc:
                _expect(exc.code() == code, f"{what}: {exc.code()} ({exc.details()}), not {code}")
                return
            raise Mismatch(f"{what}: answered, not {code}")

        health = method(HEALTH, "Check")(service="")
        _expect(health.status == 1, f"health: status {health.status}, not SERVING")  # 1: SERVING

        name = f"independent client {uuid.uuid4().hex[:8]}"
        created = method(SERVICE, "CreateItem")(name=name, description="made by reflection")
        _expect(created.id > 0 and created.name == name, f"CreateItem gave {created}")
        _expect(created.HasField("create_time"), "CreateItem: no create_time")
        got = method(SERVICE, "GetItem")(id=created.id)
        _expect(
            (got.id, got.name, got.description) == (created.id, name, "made by reflection"),
            f"GetItem({created.id}) gave {got}",
        )
        page = method(SERVICE, "ListItems")(page_size=100, name_contains=name)
        _expect(
            page.total_size == 1 and [i.id for i in page.items] == [created.id],
            f"ListItems(name_contains={name!r}) gave total {page.total_size}, {list(page.items)}",
        )
        streamed = list(method(SERVICE, "StreamItems", stream=True)(name_contains=name))
        _expect([i.id for i in streamed] == [created.id], f"StreamItems gave {streamed}")

        refused(
            lambda: method(SERVICE, "CreateItem")(name=name),
            grpc.StatusCode.ALREADY_EXISTS,
            "CreateItem with a name taken",
        )
        refused(
            lambda: method(SERVICE, "ListItems")(page_size=1000),
            grpc.StatusCode.INVALID_ARGUMENT,
            "ListItems(page_size=1000)",
        )
        refused(
            lambda: method(SERVICE, "ListItems")(page_token="not a token"),
            grpc.StatusCode.INVALID_ARGUMENT,
            "ListItems with a page token the server never gave",
        )
        method(SERVICE, "DeleteItem")(id=created.id)
        refused(
            lambda: method(SERVICE, "GetItem")(id=created.id),
            grpc.StatusCode.NOT_FOUND,
            "GetItem of a deleted item",
        )
