"""The gRPC server: items.v1.ItemService, grpc.health.v1.Health and server reflection."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio  # type: ignore[attr-defined]
from grpc_reflection.v1alpha import reflection

from app.rpc.gen.items.v1 import items_pb2, items_pb2_grpc
from app.rpc.items import ItemServicer, UseCases

# (The ignore above: grpc-stubs' grpc_health stubs predate grpcio-health-checking's asyncio
# servicer.)
ITEM_SERVICE = items_pb2.DESCRIPTOR.services_by_name["ItemService"].full_name
# Stop taking calls, then give those under way this long to finish.
GRACE_SECONDS = 5


@asynccontextmanager
async def serve_grpc(address: str, use_cases: UseCases) -> AsyncIterator[int]:
    """Serves gRPC on ``address`` ("host:port"; port 0 picks a free one) until the block ends;
    yields the port."""
    server = grpc.aio.server()
    items_pb2_grpc.add_ItemServiceServicer_to_server(ItemServicer(use_cases), server)
    health = health_aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health, server)
    names = (ITEM_SERVICE, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name)
    reflection.enable_server_reflection((*names, reflection.SERVICE_NAME), server)
    port = server.add_insecure_port(address)
    await server.start()
    for service in ("", ITEM_SERVICE):  # "" is the server as a whole
        await health.set(service, health_pb2.HealthCheckResponse.SERVING)
    try:
        yield port
    finally:
        await health.enter_graceful_shutdown()
        await server.stop(GRACE_SECONDS)
