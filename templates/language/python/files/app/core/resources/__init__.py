"""The app's external resources (databases, caches): opened by the app factory, prepared as
the app starts (those with a ``start()``), checked by /readyz, closed at shutdown. Every module
here with a ``create(settings)`` function adds one, so a new store is a new file, not an edit to
the factory."""

import importlib
import logging
import pkgutil
from typing import Protocol, cast

from app.core.config import Settings

logger = logging.getLogger(__name__)


class Resource(Protocol):
    name: str

    async def ping(self) -> None:
        """Raise if the resource cannot serve requests right now."""

    def is_outage(self, exc: BaseException) -> bool:
        """True when ``exc`` means the resource cannot be reached (app.core.outage)."""

    async def close(self) -> None: ...


def open_resources(settings: Settings) -> dict[str, Resource]:
    resources: dict[str, Resource] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        if hasattr(module, "create"):
            resource = cast(Resource, module.create(settings))
            resources[resource.name] = resource
    return resources


async def start_resources(resources: dict[str, Resource]) -> None:
    """Lets each resource that has a ``start()`` prepare itself (MongoDB makes its indexes).
    A server that is down must not stop the app from starting: the resource is then not ready
    until its readiness check has done what ``start()`` could not."""
    for resource in resources.values():
        start = getattr(resource, "start", None)
        if start is None:
            continue
        try:
            await start()
        except Exception:
            logger.warning(
                "%s: not prepared at start-up; /readyz retries", resource.name, exc_info=True
            )


async def close_resources(resources: dict[str, Resource]) -> None:
    for resource in resources.values():
        await resource.close()
