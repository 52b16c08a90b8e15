{%- set xml = "xml" in cookiecutter.selections.api -%}
{%- set graphql = "graphql" in cookiecutter.selections.api -%}
{%- set projection = cookiecutter.data.report_function is defined -%}
import pytest
{%- if xml %}
from defusedxml.ElementTree import fromstring
{%- endif %}
from httpx import AsyncClient

from app.modules.reports import service
from app.repositories.store import ItemStore
{%- if projection %}
from tests import report_stream
{%- endif %}
from tests.factories import create_item
{%- if projection %}
from tests.report_stream import ApplyChanges

# The report is the report function's projection: each test hands it the table's changes.
table_stream = report_stream.table_stream
apply_changes = report_stream.apply_changes
{%- endif %}


async def report(client: AsyncClient{% if projection %}, apply_changes: ApplyChanges{% endif %}) -> dict[str, int]:
{%- if projection %}
    assert apply_changes() == {"batchItemFailures": []}
{%- endif %}
{%- if graphql %}
    query = "{ itemReport { total described } }"
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 200
    figures: dict[str, int] = response.json()["data"]["itemReport"]
    return figures
{%- else %}
    response = await client.get("/reports/items")
    assert response.status_code == 200
{%- endif %}
{%- if xml %}
    root = fromstring(response.content)
    assert root.tag == "itemReport"
    return {name: int(value) for name, value in root.attrib.items()}
{%- elif "jsonapi" in cookiecutter.selections.api %}
    assert response.headers["content-type"] == "application/vnd.api+json"
    resource = response.json()["data"]
    assert (resource["type"], resource["id"]) == ("item-reports", "items")
    figures: dict[str, int] = resource["attributes"]
    return figures
{%- elif not graphql %}
    figures: dict[str, int] = response.json()
    return figures
{%- endif %}


async def test_the_items_report_counts_across_pages(
{%- if projection %}
    client: AsyncClient,
    items: ItemStore,
    monkeypatch: pytest.MonkeyPatch,
    apply_changes: ApplyChanges,
{%- else %}
    client: AsyncClient, items: ItemStore, monkeypatch: pytest.MonkeyPatch
{%- endif %}
) -> None:
    for name, description in [("Lamp", "Bright"), ("Desk", None), ("Chair", "Oak")]:
        await create_item(items, name=name, description=description)
    monkeypatch.setattr(service, "PAGE", 2)  # several pages
    assert await report(client{% if projection %}, apply_changes{% endif %}) == {"total": 3, "described": 2}


{%- if projection %}


async def test_the_items_report_of_an_empty_store(
    client: AsyncClient, apply_changes: ApplyChanges
) -> None:
{%- else %}


async def test_the_items_report_of_an_empty_store(client: AsyncClient) -> None:
{%- endif %}
    assert await report(client{% if projection %}, apply_changes{% endif %}) == {"total": 0, "described": 0}
