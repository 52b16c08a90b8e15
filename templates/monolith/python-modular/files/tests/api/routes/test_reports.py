import pytest
from httpx import AsyncClient

from app.modules.reports import service


async def test_the_items_report_counts_across_pages(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, description in [("Lamp", "Bright"), ("Desk", None), ("Chair", "Oak")]:
        response = await client.post("/items", json={"name": name, "description": description})
        assert response.status_code == 201
    monkeypatch.setattr(service, "PAGE", 2)  # several pages
    report = await client.get("/reports/items")
    assert report.status_code == 200
    assert report.json() == {"total": 3, "described": 2}


async def test_the_items_report_of_an_empty_store(client: AsyncClient) -> None:
    assert (await client.get("/reports/items")).json() == {"total": 0, "described": 0}
