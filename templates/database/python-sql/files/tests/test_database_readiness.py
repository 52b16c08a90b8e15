from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from httpx import ASGITransport, AsyncClient
from sqlalchemy.engine import make_url

from app.core.config import Settings
from app.core.resources import close_resources
from app.main import create_app
from tests.tcp_proxy import free_port, tcp_proxy


async def test_readiness_follows_the_database_down_and_back_up(
    settings: Settings, tmp_path: Path
) -> None:
    """503 while the database is unreachable, 200 once it is back, with no restart."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        folder = tmp_path / "not-yet"
        down_url = url.set(database=str(folder / "db.sqlite"))

        @asynccontextmanager
        async def back() -> AsyncIterator[None]:
            folder.mkdir()
            yield

    else:
        port = free_port()
        down_url = url.set(host="127.0.0.1", port=port)

        @asynccontextmanager
        async def back() -> AsyncIterator[None]:
            async with tcp_proxy(port, url.host or "127.0.0.1", url.port or 0):
                yield

    app = create_app(
        settings.model_copy(update={"database_url": down_url.render_as_string(hide_password=False)})
    )
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        down = await client.get("/readyz")
        async with back():
            up = await client.get("/readyz")
            await close_resources(app.state.resources)
    assert down.status_code == 503
    assert down.json()["checks"]["database"] == "down"
    assert up.status_code == 200
    assert up.json()["checks"]["database"] == "up"
