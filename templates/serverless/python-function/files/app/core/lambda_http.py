"""The app behind AWS Lambda: API Gateway HTTP API events (payload format 2.0) handed to its
ASGI interface, and its answer handed back as the response API Gateway expects.

A Lambda container serves one event at a time and lives for many: the app, its event loop and
its lifespan (the database pool, clients) are made once per container, on the first event,
and kept for the next ones; nothing is opened per request.

Every log record made while an event is served carries its ids, as Powertools' logger writes
them: ``aws_request_id`` (Lambda's, in the function's own log lines) and ``correlation_id``
(API Gateway's, which the API's access log records too), so one request's lines can be found
and joined across both logs.
"""

import asyncio
import base64
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from contextlib import AsyncExitStack
from contextvars import ContextVar
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI

Event = dict[str, Any]
Result = dict[str, Any]
Message = MutableMapping[str, Any]

logger = logging.getLogger(__name__)

# The ids of the event being served (none outside one).
REQUEST_IDS: ContextVar[dict[str, str] | None] = ContextVar("request_ids", default=None)


def _with_request_ids(
    make_record: Callable[..., logging.LogRecord],
) -> Callable[..., logging.LogRecord]:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        if ids := REQUEST_IDS.get():
            record.__dict__.update(ids)
        return record

    return make


logging.setLogRecordFactory(_with_request_ids(logging.getLogRecordFactory()))

# Bodies API Gateway passes on as text; any other is sent base64-encoded, as it requires.
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/graphql")
TEXT_SUFFIXES = ("+json", "+xml")


def _is_text(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith(TEXT_TYPES) or media.endswith(TEXT_SUFFIXES)


# Characters a path keeps as they are when it is percent-encoded again (RFC 3986 pchar).
PATH_SAFE = "/:@!$&'()*+,;=-._~"


def request_scope(event: Event, context: Any) -> dict[str, Any]:
    """The ASGI HTTP scope of an API Gateway HTTP API event (payload format 2.0, on the
    ``$default`` stage, whose paths carry no stage name). API Gateway hands over the path
    percent-decoded and header values as text: the scope gets the path as it is and encoded
    again as ``raw_path``, and header values in UTF-8."""
    http = event["requestContext"]["http"]
    headers = [
        (name.lower().encode("latin-1"), value.encode("utf-8"))
        for name, value in (event.get("headers") or {}).items()
    ]
    # Payload 2.0 takes cookies out of the headers; the app reads them from a Cookie header.
    if cookies := event.get("cookies"):
        headers.append((b"cookie", "; ".join(cookies).encode("utf-8")))
    path = event.get("rawPath") or http["path"]
    host = (event.get("headers") or {}).get("host") or event["requestContext"].get("domainName")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": http["method"].upper(),
        "scheme": (event.get("headers") or {}).get("x-forwarded-proto", "https"),
        "path": path,
        "raw_path": quote(path, safe=PATH_SAFE).encode("ascii"),
        "query_string": (event.get("rawQueryString") or "").encode("latin-1"),
        "root_path": "",
        "headers": headers,
        "client": (http.get("sourceIp", ""), 0),
        "server": (host or "lambda", 443),
        "aws.event": event,
        "aws.context": context,
    }


def request_body(event: Event) -> bytes:
    body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return base64.b64decode(body)
    return body.encode("utf-8")


async def serve_event(app: Callable[..., Awaitable[None]], event: Event, context: Any) -> Result:
    """Run one request through the app and return API Gateway's response for it. The app's
    lifespan must already have started (LambdaApp does that once per container)."""
    body = request_body(event)
    answered = asyncio.Event()
    received = False
    status = 500
    headers: list[tuple[bytes, bytes]] = []
    chunks: list[bytes] = []
    started = False

    async def receive() -> Message:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": body, "more_body": False}
        await answered.wait()  # the whole request was read: the client leaves once answered
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status, headers, started
        if message["type"] == "http.response.start":
            status, headers, started = message["status"], list(message.get("headers", [])), True
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                answered.set()

    ids = {"correlation_id": str(event["requestContext"].get("requestId", ""))}
    if request_id := getattr(context, "aws_request_id", None):
        ids["aws_request_id"] = str(request_id)
    token = REQUEST_IDS.set(ids)
    try:
        await app(request_scope(event, context), receive, send)
    except Exception:
        logger.exception("the app failed on a request")
        if not started:  # as uvicorn answers an app that failed before answering
            status, headers = 500, [(b"content-type", b"text/plain; charset=utf-8")]
            chunks = [b"Internal Server Error"]
    finally:
        answered.set()
        REQUEST_IDS.reset(token)
    return response_result(status, headers, b"".join(chunks))


def response_result(status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> Result:
    """API Gateway's response: one value a header (repeats joined, as HTTP allows), cookies
    apart, a body that is not text base64-encoded."""
    joined: dict[str, str] = {}
    cookies: list[str] = []
    for raw_name, raw_value in headers:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        if name == "set-cookie":
            cookies.append(value)
        else:
            joined[name] = f"{joined[name]}, {value}" if name in joined else value
    result: Result = {"statusCode": status, "headers": joined}
    if cookies:
        result["cookies"] = cookies
    # Text goes as it is; a compressed or non-UTF-8 body, or any other type, base64-encoded.
    compressed = joined.get("content-encoding", "identity").lower() != "identity"
    if _is_text(joined.get("content-type", "")) and not compressed:
        try:
            result["body"], result["isBase64Encoded"] = body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
        else:
            return result
    result["body"], result["isBase64Encoded"] = base64.b64encode(body).decode("ascii"), True
    return result


class LambdaApp:
    """A Lambda handler serving ``app``: ``handler(event, context)`` runs the app's lifespan on
    the first event and keeps it (and the event loop) for the container's life."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self._lifespan: AsyncExitStack | None = None

    def __call__(self, event: Event, context: Any) -> Result:
        return self.loop.run_until_complete(self.handle(event, context))

    async def handle(self, event: Event, context: Any) -> Result:
        if self._lifespan is None:
            lifespan = AsyncExitStack()
            await lifespan.enter_async_context(self.app.router.lifespan_context(self.app))
            self._lifespan = lifespan
        return await serve_event(self.app, event, context)

    def close(self) -> None:
        """Close what the lifespan opened. Lambda freezes an idle container and then ends it
        without a word to the handler, so connections simply end with it; tests close."""
        if self._lifespan is not None:
            self.loop.run_until_complete(self._lifespan.aclose())
            self._lifespan = None
        self.loop.close()
