{% if "xml" in cookiecutter.selections.api -%}
from defusedxml import ElementTree
{% endif -%}
from httpx import ASGITransport, AsyncClient

from app.core.config import Settings
from app.core.resources import close_resources
from app.main import create_app


async def test_an_unexpected_error_is_a_500_problem_without_its_message(
    settings: Settings,
) -> None:
    app = create_app(settings)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/boom")
    await close_resources(app.state.resources)
    assert response.status_code == 500
{%- if "xml" in cookiecutter.selections.api %}
    assert response.headers["content-type"] == "application/problem+xml"
    problem = ElementTree.fromstring(response.content)
    assert problem.findtext("{urn:ietf:rfc:7807}detail") == "An unexpected error occurred."
{%- elif "jsonapi" in cookiecutter.selections.api %}
    assert response.headers["content-type"] == "application/vnd.api+json"
    assert response.json()["errors"][0]["detail"] == "An unexpected error occurred."
{%- else %}
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "An unexpected error occurred."
{%- endif %}
    assert "secret internals" not in response.text
