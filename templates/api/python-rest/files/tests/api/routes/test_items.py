import pytest
from httpx import AsyncClient

from app.repositories.store import ItemStore
from tests.factories import create_item

PROBLEM_JSON = "application/problem+json"


async def test_create_returns_the_item_and_its_location(client: AsyncClient) -> None:
    response = await client.post("/items", json={"name": " Lamp ", "description": "Bright."})
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Lamp"
    assert body["description"] == "Bright."
    assert body["created_at"].endswith(("Z", "+00:00"))
    assert response.headers["location"] == f"http://test/items/{body['id']}"
    fetched = await client.get(response.headers["location"])
    assert fetched.json() == body


async def test_create_with_a_taken_name_is_a_409_problem(
    client: AsyncClient, items: ItemStore
) -> None:
    await create_item(items, name="Lamp")
    response = await client.post("/items", json={"name": "Lamp"})
    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["title"] == "Conflict"
    assert "Lamp" in response.json()["detail"]
    assert (await client.post("/items", json={"name": "Desk"})).status_code == 201


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "ok", "description": "d" * 1001}, "description"),
    ],
)
async def test_invalid_bodies_are_422_problems(
    client: AsyncClient, payload: dict[str, str], field: str
) -> None:
    response = await client.post("/items", json=payload)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    problem = response.json()
    assert problem["status"] == 422
    assert problem["instance"] == "/items"
    assert [e["loc"] for e in problem["errors"]] == [["body", field]]


async def test_get_a_missing_item_is_a_404_problem(client: AsyncClient) -> None:
    response = await client.get("/items/999999")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "Item 999999 does not exist.",
        "instance": "/items/999999",
    }


async def test_unknown_route_is_a_404_problem(client: AsyncClient) -> None:
    response = await client.get("/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_a_method_a_path_does_not_serve_is_a_405_with_allow(client: AsyncClient) -> None:
    put = await client.put("/items")
    options = await client.options("/items/1")
    assert [(r.status_code, r.headers["allow"]) for r in (put, options)] == [
        (405, "GET, POST"),
        (405, "DELETE, GET, PATCH"),
    ]
    assert put.headers["content-type"] == PROBLEM_JSON


async def test_a_body_that_cannot_be_read_is_a_400_problem(client: AsyncClient) -> None:
    # Not even text (JSON that does not parse is a 422, with where it broke).
    response = await client.post(
        "/items", content=b"\xff{", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_patch_changes_only_the_fields_sent(client: AsyncClient, items: ItemStore) -> None:
    item = await create_item(items, name="Chair", description="Wooden.")
    response = await client.patch(f"/items/{item.id}", json={"description": "Metal."})
    assert response.status_code == 200
    assert response.json()["name"] == "Chair"
    assert response.json()["description"] == "Metal."


async def test_patch_to_a_taken_name_is_a_409(client: AsyncClient, items: ItemStore) -> None:
    await create_item(items, name="Chair")
    table_id = (await create_item(items, name="Table")).id
    response = await client.patch(f"/items/{table_id}", json={"name": "Chair"})
    assert response.status_code == 409
    assert (await client.get(f"/items/{table_id}")).json()["name"] == "Table"


async def test_patch_a_missing_item_is_a_404(client: AsyncClient) -> None:
    response = await client.patch("/items/999999", json={"name": "x"})
    assert response.status_code == 404


async def test_delete_removes_the_item(client: AsyncClient, items: ItemStore) -> None:
    item = await create_item(items)
    assert (await client.delete(f"/items/{item.id}")).status_code == 204
    assert (await client.get(f"/items/{item.id}")).status_code == 404
    assert (await client.delete(f"/items/{item.id}")).status_code == 404


async def test_items_sit_under_a_parent_that_exists(client: AsyncClient) -> None:
    shelf = (await client.post("/items", json={"name": "Shelf"})).json()
    assert shelf["parent_id"] is None
    book = await client.post("/items", json={"name": "Book", "parent_id": shelf["id"]})
    assert (book.status_code, book.json()["parent_id"]) == (201, shelf["id"])
    missing = await client.post("/items", json={"name": "Pen", "parent_id": 999999})
    assert missing.status_code == 409
    assert missing.json()["detail"] == "Item 999999 does not exist, so it cannot be a parent."
    below = await client.patch(f"/items/{shelf['id']}", json={"parent_id": book.json()["id"]})
    assert below.status_code == 409
    in_use = await client.delete(f"/items/{shelf['id']}")
    assert (in_use.status_code, in_use.headers["content-type"]) == (409, PROBLEM_JSON)
    taken_out = await client.patch(f"/items/{book.json()['id']}", json={"parent_id": None})
    assert taken_out.json()["parent_id"] is None
    assert (await client.delete(f"/items/{shelf['id']}")).status_code == 204


async def test_list_paginates_with_links(client: AsyncClient, items: ItemStore) -> None:
    for n in range(5):
        await create_item(items, name=f"page-{n}")
    first = (await client.get("/items", params={"limit": 2})).json()
    assert [i["name"] for i in first["items"]] == ["page-0", "page-1"]
    assert first["total"] == 5
    assert first["links"]["prev"] is None
    second = (await client.get(first["links"]["next"])).json()
    assert [i["name"] for i in second["items"]] == ["page-2", "page-3"]
    assert second["offset"] == 2
    last = (await client.get(second["links"]["next"])).json()
    assert [i["name"] for i in last["items"]] == ["page-4"]
    assert last["links"]["next"] is None
    assert (await client.get(last["links"]["prev"])).json()["offset"] == 2


async def test_list_filters_by_name_ignoring_case(client: AsyncClient, items: ItemStore) -> None:
    await create_item(items, name="Red Lamp")
    await create_item(items, name="Blue lamp")
    await create_item(items, name="Desk")
    await create_item(items, name="100% cotton")
    body = (await client.get("/items", params={"name": "LAMP"})).json()
    assert sorted(i["name"] for i in body["items"]) == ["Blue lamp", "Red Lamp"]
    assert body["total"] == 2
    literal = (await client.get("/items", params={"name": "0%"})).json()
    assert [i["name"] for i in literal["items"]] == ["100% cotton"]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}])
async def test_list_rejects_bad_paging(client: AsyncClient, params: dict[str, int]) -> None:
    response = await client.get("/items", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_openapi_documents_items_and_problems(client: AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert {"get", "post"} <= set(spec["paths"]["/items"])
    assert {"get", "patch", "delete"} <= set(spec["paths"]["/items/{item_id}"])
    not_found = spec["paths"]["/items/{item_id}"]["get"]["responses"]["404"]
    assert "application/problem+json" in not_found["content"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/items/2147483648"),
        ("PATCH", "/items/99999999999"),
        ("DELETE", "/items/0"),
        ("GET", "/items?offset=19210595294587883520"),
    ],
)
async def test_ids_and_offsets_out_of_the_database_range_are_422(
    client: AsyncClient, method: str, url: str
) -> None:
    response = await client.request(method, url, json={} if method == "PATCH" else None)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("body", [{"name": "a\x00b"}, {"name": "Lamp", "description": "\x00"}])
async def test_nul_characters_are_422(client: AsyncClient, body: dict[str, str]) -> None:
    assert (await client.post("/items", json=body)).status_code == 422


async def test_patch_with_a_null_name_is_422(client: AsyncClient, items: ItemStore) -> None:
    item = await create_item(items, name="Lamp")
    response = await client.patch(f"/items/{item.id}", json={"name": None, "description": ""})
    assert response.status_code == 422
