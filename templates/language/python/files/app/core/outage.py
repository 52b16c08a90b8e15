"""A store the service needs that cannot be reached right now.

Each resource says which of its errors mean that (``Resource.is_outage``). Requests that meet
one answer 503 with ``Retry-After`` in the API's own error format (HTTP: the ``Outages``
middleware in app.core.http; GraphQL: the ``UNAVAILABLE`` code; gRPC: ``UNAVAILABLE``), and
the outage is logged twice in all: once when it begins, once when the resource answers
again, however many requests and readiness probes meet it in between.
"""

import errno
import logging
import socket
import traceback
import weakref
from collections.abc import Iterable, Iterator

from app.core.resources import Resource

RETRY_AFTER_SECONDS = 5
DETAIL = "A store the service needs is unavailable; retry later."
# Network failures, wherever a driver lets them surface: refused, reset, timed out, no route.
NETWORK_ERRORS = (ConnectionError, TimeoutError, socket.gaierror)
UNREACHABLE = {errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN, errno.ENETDOWN}

logger = logging.getLogger(__name__)
_down: "weakref.WeakSet[Resource]" = weakref.WeakSet()


def causes(exc: BaseException) -> Iterator[BaseException]:
    """The error and every error it was raised from or while handling."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def network_failure(exc: BaseException, packages: tuple[str, ...]) -> bool:
    """A network failure raised inside one of ``packages`` (a resource's driver), so that of
    two stores, only the one whose connection failed is taken for down."""
    return any(
        (isinstance(e, NETWORK_ERRORS) or (isinstance(e, OSError) and e.errno in UNREACHABLE))
        and _raised_in(e, packages)
        for e in causes(exc)
    )


def _raised_in(exc: BaseException, packages: tuple[str, ...]) -> bool:
    frames = traceback.walk_tb(exc.__traceback__)
    return any(
        str(frame.f_globals.get("__name__", "")).partition(".")[0] in packages
        for frame, _ in frames
    )


def claim(resources: Iterable[Resource], exc: BaseException) -> Resource | None:
    """The resource whose outage ``exc`` is, if any (its outage is logged if it just began)."""
    for resource in resources:
        if resource.is_outage(exc):
            failed(resource, exc)
            return resource
    return None


def failed(resource: Resource, exc: BaseException) -> None:
    """Log the outage if it just began: what failed, in one line, with no traceback."""
    if resource not in _down:
        _down.add(resource)
        error = f"{type(exc).__name__}: {exc}"
        logger.warning("store unavailable", extra={"resource": resource.name, "error": error})


def recovered(resource: Resource) -> None:
    if resource in _down:
        _down.discard(resource)
        logger.info("store available again", extra={"resource": resource.name})
