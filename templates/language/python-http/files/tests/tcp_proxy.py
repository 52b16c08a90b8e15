"""A TCP forwarder on loopback, so a test can take a real server away and bring it back."""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from httpx import ASGITransport, AsyncClient, Response

from app.core.config import Settings
from app.core.resources import close_resources
from app.main import create_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()


@asynccontextmanager
async def tcp_proxy(port: int, target_host: str, target_port: int) -> AsyncIterator[None]:
    """Forward 127.0.0.1:port to the target while the context is open."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(target_host, target_port)
        await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        yield


async def readiness_across_outage(
    settings: Settings, field: str, default_port: int
) -> tuple[Response, Response]:
    """/readyz while the store whose URL is the setting ``field`` is away (the URL points at a
    loopback port nothing listens on), then once that port forwards to the real store."""
    real = urlsplit(getattr(settings, field))
    port = free_port()
    down = real._replace(netloc=f"127.0.0.1:{port}").geturl()
    app = create_app(settings.model_copy(update={field: down}))
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        before = await client.get("/readyz")
        async with tcp_proxy(port, real.hostname or "127.0.0.1", real.port or default_port):
            after = await client.get("/readyz")
        await close_resources(app.state.resources)
    return before, after
