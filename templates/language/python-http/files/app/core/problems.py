"""Errors as the API answers them, in its own format (app.core.error_format): the failures the
app knows, and handlers that turn every exception FastAPI meets into one such answer."""

import re
from http import HTTPStatus
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from app.core.error_format import MEDIA_TYPE, ErrorModel, render, validation_status
from app.core.problem import Problem


class AppError(Exception):
    """A failure with a meaning for the client; subclasses set the status (or pass one)."""

    status = HTTPStatus.INTERNAL_SERVER_ERROR

    def __init__(self, detail: str, status: HTTPStatus | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status


class NotFoundError(AppError):
    status = HTTPStatus.NOT_FOUND


class ConflictError(AppError):
    status = HTTPStatus.CONFLICT


class UnprocessableError(AppError):
    """A business rule the request broke that the schema could not see."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY


def problem_response(
    request: Request,
    status: int,
    detail: str | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> Response:
    problem = Problem(
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=request.url.path,
        errors=errors,
    )
    return render(problem)


# Starlette types every handler as taking Exception; each is registered for one type only.
async def _app_error(request: Request, exc: Exception) -> Response:
    error = cast(AppError, exc)
    return problem_response(request, error.status, error.detail)


async def _http_error(request: Request, exc: Exception) -> Response:
    error = cast(HTTPException, exc)
    response = problem_response(request, error.status_code, str(error.detail))
    # Keep the headers the status needs, e.g. the Allow header of a 405 (RFC 9110).
    response.headers.update(error.headers or {})
    if error.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
        response.headers["Allow"] = _allowed_methods(request)
    return response


def _allowed_methods(request: Request) -> str:
    """The methods the OpenAPI document lists for this path (Starlette's own 405 names only
    the first matching route's, and each method here is a route of its own)."""
    paths: dict[str, dict[str, Any]] = request.app.openapi()["paths"]
    for template, operations in paths.items():
        pattern = "[^/]+".join(re.escape(part) for part in re.split(r"\{[^/]+?\}", template))
        if re.fullmatch(pattern, request.url.path):
            return ", ".join(sorted(method.upper() for method in operations))
    return ""


async def _validation_error(request: Request, exc: Exception) -> Response:
    error = cast(RequestValidationError, exc)
    errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]
    status = validation_status(errors)
    return problem_response(request, status, "The request is not valid.", errors)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    # Starlette logs the exception and re-raises it after this response is sent.
    return problem_response(
        request, HTTPStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred."
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)


# How the OpenAPI document describes a 503.
UNAVAILABLE = {
    "description": "A store the request needs is unreachable; retry after Retry-After seconds.",
    "headers": {
        "Retry-After": {
            "description": "Seconds to wait before retrying.",
            "schema": {"type": "integer"},
        }
    },
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for route decorators: these statuses answer in the error format,
    and so does 503, which every route that reaches a store gives while the store is
    unreachable (app.core.http.Outages), with a Retry-After header."""
    responses: dict[int | str, dict[str, Any]] = {
        status: {
            "model": ErrorModel,
            "content": {MEDIA_TYPE: {}},
            "description": HTTPStatus(status).phrase,
        }
        for status in (*statuses, HTTPStatus.SERVICE_UNAVAILABLE.value)
    }
    responses[HTTPStatus.SERVICE_UNAVAILABLE.value].update(UNAVAILABLE)
    return responses
