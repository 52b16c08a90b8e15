"""What every HTTP request and response goes through: a body size limit, security headers,
503 while a store is unreachable, and, behind a router that forwards plain HTTP, HTTPS only.

All are plain ASGI middleware, so they hold for every route and API type alike.
"""

from collections.abc import Mapping
from http import HTTPStatus

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import outage
from app.core.problems import problem_response
from app.core.resources import Resource

# API answers are data, never pages: nothing in them may load, frame or be sniffed.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


# Browsers that have seen this over HTTPS use only HTTPS for the host for a year.
HSTS = "max-age=31536000"


class HttpsOnly:
    """Behind a router that ends TLS and says how each request came (X-Forwarded-Proto, as
    Heroku's does), send a request that came over plain HTTP to its https:// address with a
    permanent redirect (308: the method and body are kept), and add HSTS to the answers that
    went over HTTPS. Used only where HTTPS_ONLY=true: elsewhere any client could set the header.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        proto = headers.get(b"x-forwarded-proto", b"").split(b",")[0].strip().lower()
        if proto == b"http":
            target = b"https://" + headers.get(b"host", b"") + scope.get("raw_path", b"/")
            if scope["query_string"]:
                target += b"?" + scope["query_string"]
            await send(
                {
                    "type": "http.response.start",
                    "status": HTTPStatus.PERMANENT_REDIRECT,
                    "headers": [(b"location", target), (b"content-length", b"0")],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def with_hsts(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, with_hsts)


class BodyLimit:
    """Refuse a request body over ``max_bytes`` with 413, from its Content-Length or, when it
    streams, as soon as it grows past the limit, so it is never held whole in memory. The
    error is raised where the route reads the body, so it is answered in the API's own error
    format by the problem handlers."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        received = 0

        async def limited() -> Message:
            nonlocal received
            if not declared.isdigit() or int(declared) > self.max_bytes:
                raise self._too_large()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise self._too_large()
            return message

        await self.app(scope, limited, send)

    def _too_large(self) -> HTTPException:
        return HTTPException(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            f"The request body is larger than {self.max_bytes} bytes.",
        )


class SecurityHeaders:
    """Add SECURITY_HEADERS to every response; the docs UI (a page that loads its scripts
    from a CDN) keeps all but the content security policy."""

    def __init__(self, app: ASGIApp, page_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.page_paths = page_paths
        # As ASGI carries them (lower-case names, bytes), encoded once rather than a request.
        self.api_headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in SECURITY_HEADERS.items()
        ]
        self.page_headers = [h for h in self.api_headers if h[0] != b"content-security-policy"]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        page = scope["path"].startswith(self.page_paths) if self.page_paths else False
        ours = self.page_headers if page else self.api_headers

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A header the route set itself stays as it is; the others are added.
                headers = list(message.get("headers", ()))
                present = {bytes(name).lower() for name, _ in headers}
                message["headers"] = headers + [h for h in ours if h[0] not in present]
            await send(message)

        await self.app(scope, receive, with_headers)


class Outages:
    """Answer a request that failed because a store is unreachable with 503 and Retry-After,
    in the API's error format, instead of a 500 and a traceback per request (the outage is
    logged once, by app.core.outage). Other errors pass on to the problem handlers."""

    def __init__(self, app: ASGIApp, resources: Mapping[str, Resource]) -> None:
        self.app = app
        self.resources = resources

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            if started or outage.claim(self.resources.values(), exc) is None:
                raise
            response = problem_response(
                Request(scope), HTTPStatus.SERVICE_UNAVAILABLE, outage.DETAIL
            )
            response.headers["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
            await response(scope, receive, send)
