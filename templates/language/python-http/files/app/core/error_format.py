"""The API's error format: RFC 9457 problem details as JSON (``application/problem+json``).

An API type with a format of its own (XML, JSON:API) replaces this file with one giving the
same names; app.core.problems answers every error through them."""

from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse, Response

from app.core.problem import Problem

MEDIA_TYPE = "application/problem+json"
# The model the OpenAPI document gives every error answer.
ErrorModel = Problem


def render(problem: Problem) -> Response:
    return JSONResponse(
        problem.model_dump(exclude_none=True), status_code=problem.status, media_type=MEDIA_TYPE
    )


def validation_status(errors: list[dict[str, Any]]) -> HTTPStatus:
    """The status of a request FastAPI could not validate."""
    return HTTPStatus.UNPROCESSABLE_ENTITY
