from httpx import ASGITransport, AsyncClient

from app.core.config import Settings
from app.core.resources import close_resources
from app.main import create_app
from tests.error_format import MEDIA_TYPE, detail_of


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
    assert response.headers["content-type"] == MEDIA_TYPE
    assert detail_of(response) == "An unexpected error occurred."
    assert "secret internals" not in response.text
