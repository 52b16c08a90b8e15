"""The API's error format: JSON:API errors documents (``application/vnd.api+json``), one
error object per failing field, pointing at it, or one for the whole request; replacing the
JSON problem details (RFC 9457) the other API types answer with."""

from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from app.core.problem import Problem

JSONAPI = "application/vnd.api+json"
MEDIA_TYPE = JSONAPI


class ErrorSource(BaseModel):
    pointer: str | None = Field(None, description="JSON Pointer to the value in the body")
    parameter: str | None = Field(None, description="The query parameter at fault")


class ErrorObject(BaseModel):
    status: str
    title: str
    detail: str | None = None
    source: ErrorSource | None = None


class ErrorDocument(BaseModel):
    jsonapi: dict[str, str] = Field(default_factory=lambda: {"version": "1.1"})
    errors: list[ErrorObject]


# The model the OpenAPI document gives every error answer.
ErrorModel = ErrorDocument


def render(problem: Problem) -> Response:
    objects = [
        ErrorObject(
            status=str(problem.status), title=problem.title, detail=e["msg"], source=_source(e)
        )
        for e in problem.errors or [{"msg": problem.detail}]
    ]
    document = ErrorDocument(errors=objects).model_dump(exclude_none=True)
    return JSONResponse(document, status_code=problem.status, media_type=JSONAPI)


def _source(error: dict[str, Any]) -> ErrorSource | None:
    """Where a failing value was: a JSON Pointer into the body, or a query parameter."""
    where, *path = error.get("loc") or [None]
    if where == "body" and error.get("type") != "json_invalid":
        pointer = "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)
        return ErrorSource(pointer=pointer)
    if where == "query":
        return ErrorSource(parameter=str(path[0]))
    return None


def validation_status(errors: list[dict[str, Any]]) -> HTTPStatus:
    """JSON:API: a query parameter the server cannot process, or a body that is not JSON, is a
    400; a document that is JSON but not a valid item, a 422."""
    unreadable = all(e["loc"][0] == "query" or e["type"] == "json_invalid" for e in errors)
    return HTTPStatus.BAD_REQUEST if unreadable else HTTPStatus.UNPROCESSABLE_ENTITY
