from httpx import ASGITransport, AsyncClient

from app.core.config import Settings
from app.core.resources import close_resources
from app.main import create_app


async def test_healthz(client: AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_when_every_store_answers(client: AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert set(response.json()["checks"].values()) == {"up"}


async def test_readyz_is_503_when_a_store_is_unreachable(unreachable_settings: Settings) -> None:
    app = create_app(unreachable_settings)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/readyz")
    await close_resources(app.state.resources)
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert "down" in response.json()["checks"].values()


async def test_openapi_document_is_served(client: AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    assert "/healthz" in response.json()["paths"]
