"""Every module in this package that defines ``router`` is mounted: add a file, not a line."""

import importlib
import pkgutil

from fastapi import APIRouter, FastAPI


def include_routers(app: FastAPI) -> None:
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            app.include_router(router)
