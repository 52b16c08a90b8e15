"""The gRPC server: items.v1.ItemService, grpc.health.v1.Health and server reflection (v1 and
v1alpha)."""

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any, TypeAlias, cast

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio  # type: ignore[attr-defined]
from grpc_reflection.v1alpha import _async as reflection_aio  # what reflection.aio is
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from app.core import outage
from app.core.resources import Resource
from app.rpc.gen.items.v1 import items_pb2, items_pb2_grpc
from app.rpc.items import ItemServicer, UseCases

# (The ignore above: grpc-stubs' grpc_health stubs predate grpcio-health-checking's asyncio
# servicer; their grpc_reflection stubs declare reflection.aio as grpc's, hence _async.)
ITEM_SERVICE = items_pb2.DESCRIPTOR.services_by_name["ItemService"].full_name
REFLECTION_V1ALPHA = "grpc.reflection.v1alpha.ServerReflection"
REFLECTION_V1 = "grpc.reflection.v1.ServerReflection"
# Stop taking calls, then give those under way this long to finish.
GRACE_SECONDS = 5


def reflection_v1_file() -> descriptor_pb2.FileDescriptorProto:
    """grpc/reflection/v1/reflection.proto, made from v1alpha's file.

    grpcio-reflection serves v1alpha only (grpc/grpc#38576), while current clients ask for v1
    first. The v1 file is the v1alpha one under another package, message for message and field
    for field, so the same servicer answers both; this is the file reflection describes v1 by.
    """
    old, new = "grpc.reflection.v1alpha", "grpc.reflection.v1"
    file = descriptor_pb2.FileDescriptorProto()
    reflection_pb2.DESCRIPTOR.CopyToProto(file)
    file.name = "grpc/reflection/v1/reflection.proto"
    file.package = new
    for message in file.message_type:
        for field in message.field:
            if field.type_name:  # (set even empty, it would make a string field a reference)
                field.type_name = field.type_name.replace(f".{old}.", f".{new}.")
    for method in file.service[0].method:
        method.input_type = method.input_type.replace(f".{old}.", f".{new}.")
        method.output_type = method.output_type.replace(f".{old}.", f".{new}.")
    return file


# In the pool reflection answers from, so that it can describe the v1 service too.
descriptor_pool.Default().AddSerializedFile(reflection_v1_file().SerializeToString())


def add_reflection(server: grpc.aio.Server, service_names: tuple[str, ...]) -> None:
    """Serves reflection as grpc.reflection.v1 and grpc.reflection.v1alpha, one servicer for
    both (the messages of the two versions are the same on the wire)."""
    servicer = reflection_aio.ReflectionServicer(
        (*service_names, REFLECTION_V1, REFLECTION_V1ALPHA)
    )
    reflection_pb2_grpc.add_ServerReflectionServicer_to_server(servicer, server)
    info = grpc.stream_stream_rpc_method_handler(
        servicer.ServerReflectionInfo,
        request_deserializer=reflection_pb2.ServerReflectionRequest.FromString,
        response_serializer=reflection_pb2.ServerReflectionResponse.SerializeToString,
    )
    handler = grpc.method_handlers_generic_handler(REFLECTION_V1, {"ServerReflectionInfo": info})
    server.add_generic_rpc_handlers((handler,))


# What grpc.aio calls a unary method with (grpc-stubs types handlers for the blocking server).
AsyncBehaviour = Callable[[Any, grpc.aio.ServicerContext[Any, Any]], Awaitable[Any]]
Handler: TypeAlias = "grpc.RpcMethodHandler[Any, Any]"  # (not generic at run time)


class Outages(grpc.aio.ServerInterceptor):  # type: ignore[type-arg]  # (not generic at run time)
    """A call that failed because a store is unreachable ends with UNAVAILABLE (the status
    clients retry), not UNKNOWN and a traceback; the outage is logged once (app.core.outage)."""

    def __init__(self, resources: Mapping[str, Resource]) -> None:
        self.resources = resources

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Handler:
        handler = await continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        behaviour = cast(AsyncBehaviour, handler.unary_unary)

        async def guarded(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            try:
                return await behaviour(request, context)
            except Exception as exc:
                if outage.claim(self.resources.values(), exc) is None:
                    raise
                await context.abort(grpc.StatusCode.UNAVAILABLE, outage.DETAIL)

        return grpc.unary_unary_rpc_method_handler(
            guarded,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


@asynccontextmanager
async def serve_grpc(
    address: str, use_cases: UseCases, resources: Mapping[str, Resource]
) -> AsyncIterator[int]:
    """Serves gRPC on ``address`` ("host:port"; port 0 picks a free one) until the block ends;
    yields the port."""
    server = grpc.aio.server(interceptors=[Outages(resources)])
    items_pb2_grpc.add_ItemServiceServicer_to_server(ItemServicer(use_cases), server)
    health = health_aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health, server)
    names = (ITEM_SERVICE, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name)
    add_reflection(server, names)
    port = server.add_insecure_port(address)
    await server.start()
    for service in ("", ITEM_SERVICE):  # "" is the server as a whole
        await health.set(service, health_pb2.HealthCheckResponse.SERVING)
    try:
        yield port
    finally:
        await health.enter_graceful_shutdown()
        await server.stop(GRACE_SECONDS)
