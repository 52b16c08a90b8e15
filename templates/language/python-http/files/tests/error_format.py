"""How the tests read an error answer in the API's format (problem details as JSON), written
apart from the app's own code. An API type with another format replaces this file."""

from httpx import Response

MEDIA_TYPE = "application/problem+json"


def detail_of(response: Response) -> str:
    detail: str = response.json()["detail"]
    return detail
