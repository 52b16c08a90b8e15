"""The HTTP server, as the Dockerfile and ``make dev`` run it: ``python -m app``.

uvicorn, with the time limits it lacks on its own. It closes idle keep-alive connections,
but waits for ever on a request that arrives slowly, so a few hundred clients sending a
header line every few seconds hold every connection the process can take. Here, as in
Node's server, the request line and headers must arrive within HEADERS_TIMEOUT_SECONDS and
the whole request within REQUEST_TIMEOUT_SECONDS; otherwise the answer is 408 and the
connection is closed, in stages, so that the client gets to read the 408.
"""

import asyncio
import logging
import sys
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.core.config import get_settings

REQUEST_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
)
# How long a timed-out connection goes on reading (and dropping) what the client sends after
# the server has stopped sending, before it is closed outright.
LINGER_SECONDS = 2.0

# The served app's JSON log lines (app.core.logging) name no source line, thread, process or
# task, so its records need not collect them: no walk up the stack for the caller on every
# call (the logging HOWTO's advice on optimization), about a third of what a request's log
# line costs. Set where the server runs (each worker process imports this module), not for
# the tests and tools that import the app, whose log output keeps its file:line.
logging.logThreads = False
logging.logProcesses = False
logging.logMultiprocessing = False
if sys.version_info >= (3, 12):
    logging.logAsyncioTasks = False
logging._srcfile = None


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
        self.lingering = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if not self.lingering:
            super().data_received(data)

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
        if self.lingering or self.transport.is_closing():
            return
        if self.cycle is None or not self.cycle.response_started:
            self.transport.write(REQUEST_TIMEOUT_RESPONSE)
        if self.cycle is not None and not self.cycle.response_complete:
            # As if the client had gone: the app reads a disconnect, and what it still sends
            # is dropped.
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        self._close_lingering()

    def _close_lingering(self) -> None:
        """Close in stages (RFC 9112, section 9.6): stop sending, then read and drop what the
        client still sends until it closes or LINGER_SECONDS pass. Closed outright with the
        client's bytes unread, the connection would be reset, and a reset can destroy the 408
        before the client reads it."""
        self.lingering = True
        self.flow.resume_reading()
        self.transport.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)


def main(argv: list[str] | None = None) -> None:
    """Serve the app on HOST:PORT in WEB_CONCURRENCY processes; ``--reload`` (one process)
    restarts it when the code changes."""
    settings = get_settings()
    reload = "--reload" in (sys.argv[1:] if argv is None else argv)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        http=TimedHttpProtocol,
        timeout_keep_alive=settings.keep_alive_timeout_seconds,
        reload=reload,
        # Above 1, uvicorn's supervisor runs that many worker processes on the one socket and
        # starts a new one when a worker dies.
        workers=None if reload else settings.web_concurrency,
        # The app writes one JSON line per request itself (app.core.logging).
        access_log=False,
        server_header=False,
    )
