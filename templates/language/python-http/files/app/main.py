{%- set grpc = "grpc" in cookiecutter.selections.api -%}
"""The app factory, which ``python -m app`` serves (app.core.server)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api.routes import include_routers
from app.core.config import Settings, get_settings
from app.core.http import BodyLimit, HttpsOnly, Outages, SecurityHeaders
from app.core.logging import RequestLog, configure_logging
from app.core.problems import install_problem_handlers
from app.core.project import project
from app.core.resources import close_resources, open_resources, start_resources
{%- if grpc %}
from app.rpc.server import serve_grpc
from app.rpc.wiring import item_use_cases
{%- endif %}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    resources = open_resources(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await start_resources(resources)
{%- if grpc %}
        # gRPC beside HTTP, in the same event loop (port 0: any free one, as tests use).
        address = f"{settings.grpc_host}:{settings.grpc_port}"
        async with serve_grpc(address, item_use_cases(resources), resources) as port:
            app.state.grpc_port = port
            yield
{%- else %}
        yield
{%- endif %}
        await close_resources(resources)

    docs = settings.docs_enabled
    app = FastAPI(
        title=settings.app_name,
        description=project()["description"],
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.settings = settings
    app.state.resources = resources
    install_problem_handlers(app)
    app.add_middleware(Outages, resources=resources)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders, page_paths=("/docs", "/redoc"))
    if settings.https_only:
        app.add_middleware(HttpsOnly)
    app.add_middleware(RequestLog)
    include_routers(app)
    return app
