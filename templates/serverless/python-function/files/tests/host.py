"""How the tests hand the app requests: as API Gateway HTTP API events (payload format 2.0)
through the Lambda adapter, so every API test also tests the translation both ways."""

import base64
import time
import uuid
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

from fastapi import FastAPI
from httpx import AsyncBaseTransport, Request, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.idempotency import with_idempotency
from app.core.lambda_http import serve_event
from app.main import create_app


def http_event(request: Request, body: bytes) -> dict[str, Any]:
    """The event API Gateway sends for ``request``."""
    return api_gateway_event(
        request.method,
        request.url.scheme,
        request.url.host,
        request.url.raw_path.decode("ascii"),
        list(request.headers.multi_items()),
        body,
        request.url.port,
    )


def api_gateway_event(
    method: str,
    scheme: str,
    host: str,
    target: str,
    header_items: list[tuple[str, str]],
    body: bytes,
    port: int | None = None,
) -> dict[str, Any]:
    """The event API Gateway sends for a request to ``target`` (path and query as sent): the
    path percent-decoded, the query as sent, lower-case headers with repeats joined by commas,
    cookies apart, the body base64-encoded unless it is UTF-8 text."""
    raw_path, _, query = target.partition("?")
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in header_items:
        name = name.lower()
        if name == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
        else:
            headers[name] = f"{headers[name]},{value}" if name in headers else value
    # What API Gateway adds: the client's scheme (always https there), address and port.
    headers["x-forwarded-proto"] = scheme
    headers["x-forwarded-for"] = "192.0.2.1"
    headers["x-forwarded-port"] = str(port or (443 if scheme == "https" else 80))
    try:
        text, encoded = body.decode("utf-8"), False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode("ascii"), True
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": unquote(raw_path),
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": host,
            "domainPrefix": host.split(".", 1)[0],
            "http": {
                "method": method,
                "path": unquote(raw_path),
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": uuid.uuid4().hex,
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": encoded,
    }
    if cookies:
        event["cookies"] = cookies
    if body:
        event["body"] = text
    return event


def lambda_context() -> SimpleNamespace:
    return SimpleNamespace(
        function_name="items",
        aws_request_id=str(uuid.uuid4()),
        invoked_function_arn="arn:aws:lambda:us-east-1:123456789012:function:items",
        memory_limit_in_mb=512,
        get_remaining_time_in_millis=lambda: 30_000,
    )


def http_response(result: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """The status, headers (cookies as Set-Cookie again) and body of API Gateway's response."""
    body = result.get("body", "")
    content = base64.b64decode(body) if result["isBase64Encoded"] else body.encode("utf-8")
    headers = list(result["headers"].items())
    headers += [("set-cookie", cookie) for cookie in result.get("cookies", [])]
    return result["statusCode"], headers, content


class LambdaTransport(AsyncBaseTransport):
    def __init__(self, app: FastAPI) -> None:
        self.app = app

    async def handle_async_request(self, request: Request) -> Response:
        event = http_event(request, await request.aread())
        status, headers, content = http_response(
            await serve_event(self.app, event, lambda_context())
        )
        return Response(status, headers=headers, content=content)


class LocalGateway:
    """API Gateway on loopback, for a server in the tests: each HTTP request
    becomes a payload 2.0 event for the app, and its result the HTTP response."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # the lifespan: the app's own, once for the server's life
            await self.app(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        # Header values as text, however a client sent them (latin-1 keeps every byte).
        query = scope["query_string"].decode("latin-1")
        target = scope["raw_path"].decode("latin-1") + (f"?{query}" if query else "")
        items = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        host, port = scope["server"] or ("localhost", None)
        event = api_gateway_event(scope["method"], "http", host, target, items, body, port)
        status, headers, content = http_response(
            await serve_event(self.app, event, lambda_context())
        )
        raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": content})


def host_transport(app: FastAPI) -> AsyncBaseTransport:
    return LambdaTransport(with_idempotency(app))


def host_app(app: FastAPI) -> ASGIApp:
    return LocalGateway(with_idempotency(app))


def local_gateway() -> ASGIApp:
    """`make dev`'s app (`uvicorn --factory tests.host:local_gateway`): the app the handler
    serves, from the environment's settings, behind the loopback API Gateway, so a request
    made while developing takes the path it takes on AWS."""
    return LocalGateway(with_idempotency(create_app()))
