{%- set xml = "xml" in cookiecutter.selections.api -%}
{%- set jsonapi = "jsonapi" in cookiecutter.selections.api -%}
{%- set Response = "Response" if xml else "JSONResponse" -%}
{%- if jsonapi -%}
"""Errors as JSON:API errors documents (``application/vnd.api+json``): one error object per
failing field, pointing at it, or one for the whole request."""
{%- else -%}
"""Errors as RFC 9457 problem details (``application/problem+{{ "xml" if xml else "json" }}``)."""
{%- endif %}

import re
from http import HTTPStatus
from typing import Any, cast
{%- if xml %}
from xml.etree.ElementTree import Element, SubElement, tostring
{%- endif %}

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import {{ Response }}
from pydantic import BaseModel{% if jsonapi %}, Field{% endif %}
from starlette.exceptions import HTTPException
{% if jsonapi %}
JSONAPI = "application/vnd.api+json"
{%- elif xml %}
PROBLEM_XML = "application/problem+xml"
PROBLEM_NAMESPACE = "urn:ietf:rfc:7807"  # RFC 9457 keeps RFC 7807's namespace
{%- else %}
PROBLEM_JSON = "application/problem+json"
{%- endif %}

{%- if jsonapi %}


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
{%- else %}


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None
{%- endif %}


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
) -> {{ Response }}:
{%- if jsonapi %}
    title = HTTPStatus(status).phrase
    objects = [
        ErrorObject(status=str(status), title=title, detail=e["msg"], source=_source(e))
        for e in errors or [{"msg": detail}]
    ]
    document = ErrorDocument(errors=objects).model_dump(exclude_none=True)
    return JSONResponse(document, status_code=status, media_type=JSONAPI)


def _source(error: dict[str, Any]) -> ErrorSource | None:
    """Where a failing value was: a JSON Pointer into the body, or a query parameter."""
    where, *path = error.get("loc") or [None]
    if where == "body" and error.get("type") != "json_invalid":
        pointer = "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)
        return ErrorSource(pointer=pointer)
    if where == "query":
        return ErrorSource(parameter=str(path[0]))
    return None
{%- else %}
    problem = Problem(
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=request.url.path,
        errors=errors,
    )
{%- if xml %}
    return Response(_problem_xml(problem), status_code=status, media_type=PROBLEM_XML)


def _problem_xml(problem: Problem) -> bytes:
    """The problem as RFC 9457's XML format (Appendix B): a member per child element, a list
    as ``i`` elements."""
    root = Element("problem", xmlns=PROBLEM_NAMESPACE)
    _add_members(root, problem.model_dump(exclude_none=True))
    document: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def _add_members(parent: Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, member in value.items():
            _add_members(SubElement(parent, key), member)
    elif isinstance(value, list):
        for member in value:
            _add_members(SubElement(parent, "i"), member)
    else:
        parent.text = str(value)
{%- else %}
    return JSONResponse(
        problem.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_JSON
    )
{%- endif %}
{%- endif %}


# Starlette types every handler as taking Exception; each is registered for one type only.
async def _app_error(request: Request, exc: Exception) -> {{ Response }}:
    error = cast(AppError, exc)
    return problem_response(request, error.status, error.detail)


async def _http_error(request: Request, exc: Exception) -> {{ Response }}:
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


async def _validation_error(request: Request, exc: Exception) -> {{ Response }}:
    error = cast(RequestValidationError, exc)
    errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]
{%- if jsonapi %}
    # JSON:API: a query parameter the server cannot process, or a body that is not JSON, is a
    # 400; a document that is JSON but not a valid item, a 422.
    unreadable = all(e["loc"][0] == "query" or e["type"] == "json_invalid" for e in errors)
    status = HTTPStatus.BAD_REQUEST if unreadable else HTTPStatus.UNPROCESSABLE_ENTITY
    return problem_response(request, status, "The request is not valid.", errors)
{%- else %}
    return problem_response(
        request, HTTPStatus.UNPROCESSABLE_ENTITY, "The request is not valid.", errors
    )
{%- endif %}


async def _unexpected_error(request: Request, exc: Exception) -> {{ Response }}:
    # Starlette logs the exception and re-raises it after this response is sent.
    return problem_response(
        request, HTTPStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred."
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for route decorators: these statuses answer with a Problem."""
    return {
        status: {
            "model": {{ "ErrorDocument" if jsonapi else "Problem" }},
            "content": {{ "{JSONAPI: {}}" if jsonapi else "{PROBLEM_XML: {}}" if xml else "{PROBLEM_JSON: {}}" }},
            "description": HTTPStatus(status).phrase,
        }
        for status in statuses
    }
