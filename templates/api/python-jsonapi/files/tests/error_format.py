"""How the tests read an error answer in the API's format (a JSON:API errors document),
written apart from the app's own code."""

from httpx import Response

MEDIA_TYPE = "application/vnd.api+json"


def detail_of(response: Response) -> str:
    detail: str = response.json()["errors"][0]["detail"]
    return detail
