"""The HTTP server, as the Dockerfile and ``make dev`` run it: ``python -m app``.

uvicorn, with the time limits it lacks on its own. It closes idle keep-alive connections,
but waits for ever on a request that arrives slowly, so a few hundred clients sending a
header line every few seconds hold every connection the process can take. Here, as in
Node's server, the request line and headers must arrive within HEADERS_TIMEOUT_SECONDS and
the whole request within REQUEST_TIMEOUT_SECONDS; otherwise the answer is 408 and the
connection is closed.
"""

import asyncio
import sys
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.core.config import get_settings

REQUEST_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
)


class TimedHttpProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for each request's head and for all of it,
    counted from the connection or from the request's first byte."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self.headers_timeout = settings.headers_timeout_seconds
        self.request_timeout = settings.request_timeout_seconds
        self.head_deadline: asyncio.TimerHandle | None = None
        self.request_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._cancel_head()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self.head_deadline is None:
            self.head_deadline = self.loop.call_later(self.headers_timeout, self._timed_out)
        if self.request_deadline is None:
            self.request_deadline = self.loop.call_later(self.request_timeout, self._timed_out)

    def _cancel_head(self) -> None:
        if self.head_deadline is not None:
            self.head_deadline.cancel()
            self.head_deadline = None

    def _disarm(self) -> None:
        for handle in (self.head_deadline, self.request_deadline):
            if handle is not None:
                handle.cancel()
        self.head_deadline = self.request_deadline = None

    def _timed_out(self) -> None:
        self._disarm()
        if self.transport.is_closing():
            return
        if self.cycle is None or not self.cycle.response_started:
            self.transport.write(REQUEST_TIMEOUT_RESPONSE)
        self.transport.close()


def main(argv: list[str] | None = None) -> None:
    """Serve the app on HOST:PORT; ``--reload`` restarts it when the code changes."""
    settings = get_settings()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        http=TimedHttpProtocol,
        timeout_keep_alive=settings.keep_alive_timeout_seconds,
        reload="--reload" in (sys.argv[1:] if argv is None else argv),
        # The app writes one JSON line per request itself (app.core.logging).
        access_log=False,
        server_header=False,
    )
