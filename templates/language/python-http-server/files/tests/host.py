"""How the tests hand the app requests as its host does: straight to its ASGI interface, as
uvicorn does (in-process, or from a loopback server that serves ``host_app``)."""

from fastapi import FastAPI
from httpx import ASGITransport, AsyncBaseTransport
from starlette.types import ASGIApp


def host_transport(app: FastAPI) -> AsyncBaseTransport:
    return ASGITransport(app=app)


def host_app(app: FastAPI) -> ASGIApp:
    return app
