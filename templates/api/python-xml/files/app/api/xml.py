"""XML in and out: the request documents read by a hardened parser and checked against the
published XSD, the answers built with ElementTree (which escapes every value).

defusedxml refuses any DTD, so entity expansion ("billion laughs"), external entities and
external DTDs never reach the parser; that is a 400, as is XML that is not well-formed. A
document the XSD does not accept is a 422 naming where it broke. xmlschema validates against
the same XSD file the service publishes at /schemas/items.xsd.
"""

import re
from http import HTTPStatus
from pathlib import Path
from typing import Annotated
from xml.etree.ElementTree import Element, ParseError, SubElement, tostring

import xmlschema
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from fastapi import Depends, Request, Response

from app.core.problems import AppError, UnprocessableError
from app.schemas.items import ItemPage, ItemRead

XML = "application/xml"
XSD_PATH = Path(__file__).resolve().parent.parent / "schemas" / "items.xsd"
SCHEMA = xmlschema.XMLSchema(XSD_PATH)
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
# The media types a request body may have (answers are always application/xml).
XML_TYPES = {"application/xml", "text/xml"}
SET_BY_THE_SERVICE = ("created_at", "updated_at")


class XmlResponse(Response):
    media_type = XML

    def __init__(self, document: Element, status_code: int = 200) -> None:
        super().__init__(tostring(document, encoding="utf-8", xml_declaration=True), status_code)


def quality(accept: str, media_type: str) -> float:
    """The q an Accept header gives ``media_type``: that of the most specific range matching
    it (RFC 9110, 12.5.1), so ``application/xml;q=0, */*;q=0.1`` refuses XML. 0 if none does;
    a range whose q is not a number from 0 to 1 is ignored."""
    specificity = {media_type: 2, media_type.split("/")[0] + "/*": 1, "*/*": 0}
    best, found = -1, 0.0
    for entry in accept.split(","):
        media_range, *params = (part.strip() for part in entry.split(";"))
        rank = specificity.get(media_range.lower())
        if rank is None or rank < best:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                value = value.strip()
                q = float(value) if re.fullmatch(r"0(\.\d{0,3})?|1(\.0{0,3})?", value) else -1
        if q < 0:
            continue
        found = q if rank > best else max(found, q)
        best = rank
    return found


def _accepts_xml(request: Request) -> None:
    """406 unless the Accept header (if any) takes XML."""
    accept = request.headers.get("accept")
    if accept is None or quality(accept, XML) > 0:
        return
    msg = f"This API answers in {XML}; the Accept header allows none of it."
    raise AppError(msg, HTTPStatus.NOT_ACCEPTABLE)


AcceptsXml = Annotated[None, Depends(_accepts_xml)]


async def read_item(request: Request) -> dict[str, str | None]:
    """The fields an <item> request document sets: name and description, a nil description
    as None. Raises 415, 400 or 422 for a body that is not an acceptable item document."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in XML_TYPES:
        msg = f"Send the item as {XML} (see /schemas/items.xsd)."
        raise AppError(msg, HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
    try:
        document = fromstring(await request.body(), forbid_dtd=True)
    except DefusedXmlException as exc:
        msg = "Documents with a DTD or entities are not accepted."
        raise AppError(msg, HTTPStatus.BAD_REQUEST) from exc
    except ParseError as exc:
        msg = f"The body is not well-formed XML: {exc}."
        raise AppError(msg, HTTPStatus.BAD_REQUEST) from exc
    error = next(SCHEMA.iter_errors(document), None)
    if error is not None:
        msg = f"The item document is not valid: {error.reason} (at {error.path})."
        raise UnprocessableError(msg)
    if document.tag != "item":
        msg = f"Expected an <item> document, not <{document.tag}>."
        raise UnprocessableError(msg)
    if document.get("id") is not None or any(
        document.find(f) is not None for f in SET_BY_THE_SERVICE
    ):
        msg = "id, created_at and updated_at are set by the service."
        raise UnprocessableError(msg)
    fields: dict[str, str | None] = {}
    for name in ("name", "description"):
        element = document.find(name)
        if element is not None:
            fields[name] = None if element.get(XSI_NIL) == "true" else (element.text or "")
    return fields


def item_element(item: ItemRead) -> Element:
    element = Element("item", id=str(item.id))
    SubElement(element, "name").text = item.name
    description = SubElement(element, "description")
    if item.description is None:
        description.set("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
        description.set("xsi:nil", "true")
    else:
        description.text = item.description
    SubElement(element, "created_at").text = item.created_at.isoformat()
    SubElement(element, "updated_at").text = item.updated_at.isoformat()
    return element


def page_element(page: ItemPage) -> Element:
    element = Element("items", total=str(page.total), limit=str(page.limit))
    element.set("offset", str(page.offset))
    for rel in ("self", "next", "prev"):
        href = getattr(page.links, rel)
        if href is not None:
            SubElement(element, "link", rel=rel, href=href)
    element.extend(item_element(item) for item in page.items)
    return element
