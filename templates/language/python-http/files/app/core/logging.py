"""Structured logging: one JSON object per line on stdout."""

import logging.config
import time
from http import HTTPStatus

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("app.access")


def configure_logging(level: str) -> None:
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {
                "json": {
                    "()": "pythonjsonlogger.json.JsonFormatter",
                    "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                    "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                },
            },
            "handlers": {
                "stdout": {
                    "class": "logging.StreamHandler",
                    "formatter": "json",
                    "stream": "ext://sys.stdout",
                },
            },
            "root": {"handlers": ["stdout"], "level": level},
            "loggers": {
                # Let uvicorn's own messages flow through the JSON handler too...
                "uvicorn": {"handlers": [], "propagate": True},
                # ...but not its access log: RequestLog writes one line a request. (Configuring
                # "uvicorn" alone would reset this child to propagate, doubling every line.)
                "uvicorn.access": {"handlers": [], "propagate": False},
            },
        }
    )


class RequestLog:
    """Log every request with its status and duration (uvicorn's access log is off). Plain ASGI
    middleware: no extra task and response stream per request, as ``@app.middleware`` costs."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = HTTPStatus.INTERNAL_SERVER_ERROR.value  # unless an answer starts

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            logger.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - start) * 1000, 2),
                },
            )
