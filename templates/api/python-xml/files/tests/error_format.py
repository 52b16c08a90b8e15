"""How the tests read an error answer in the API's format (problem details as XML, RFC 9457
Appendix B), written apart from the app's own code."""

from defusedxml import ElementTree
from httpx import Response

MEDIA_TYPE = "application/problem+xml"


def detail_of(response: Response) -> str:
    return ElementTree.fromstring(response.content).findtext("{urn:ietf:rfc:7807}detail") or ""
