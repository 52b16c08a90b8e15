"""The app's external resources (databases, caches): opened by the app factory, checked by
/readyz, closed at shutdown. Every module here with a ``create(settings)`` function adds one,
so a new store is a new file, not an edit to the factory."""

import importlib
import pkgutil
from typing import Protocol, cast

from app.core.config import Settings


class Resource(Protocol):
    name: str

    async def ping(self) -> None:
        """Raise if the resource cannot serve requests right now."""

    async def close(self) -> None: ...


def open_resources(settings: Settings) -> dict[str, Resource]:
    resources: dict[str, Resource] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        if hasattr(module, "create"):
            resource = cast(Resource, module.create(settings))
            resources[resource.name] = resource
    return resources


async def close_resources(resources: dict[str, Resource]) -> None:
    for resource in resources.values():
        await resource.close()
