"""The API's error format: RFC 9457 problem details as XML (``application/problem+xml``,
the RFC's Appendix B), in place of the JSON format the other API types answer with."""

from http import HTTPStatus
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from fastapi.responses import Response

from app.core.problem import Problem

MEDIA_TYPE = "application/problem+xml"
PROBLEM_NAMESPACE = "urn:ietf:rfc:7807"  # RFC 9457 keeps RFC 7807's namespace
# The model the OpenAPI document gives every error answer.
ErrorModel = Problem


def render(problem: Problem) -> Response:
    """The problem as RFC 9457's XML format (Appendix B): a member per child element, a list
    as ``i`` elements."""
    root = Element("problem", xmlns=PROBLEM_NAMESPACE)
    _add_members(root, problem.model_dump(exclude_none=True))
    document: bytes = tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(document, status_code=problem.status, media_type=MEDIA_TYPE)


def _add_members(parent: Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, member in value.items():
            _add_members(SubElement(parent, key), member)
    elif isinstance(value, list):
        for member in value:
            _add_members(SubElement(parent, "i"), member)
    else:
        parent.text = str(value)


def validation_status(errors: list[dict[str, Any]]) -> HTTPStatus:
    """The status of a request FastAPI could not validate."""
    return HTTPStatus.UNPROCESSABLE_ENTITY
