"""/items as JSON:API, end to end: every answer is checked against the official JSON:API
schema (tests/api/jsonapi-schema.json) before anything else is asserted."""

import json
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient, Response
from jsonschema import Draft6Validator

from app.repositories.store import ItemStore
from tests.factories import create_item

JSONAPI = "application/vnd.api+json"
VALIDATOR = Draft6Validator(
    json.loads((Path(__file__).parents[1] / "jsonapi-schema.json").read_text()),
    format_checker=Draft6Validator.FORMAT_CHECKER,
)


def document(response: Response, status: int = 200) -> dict[str, Any]:
    """The answer's document, once it has the status, the JSON:API media type and the schema
    accepts it."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == JSONAPI
    body: dict[str, Any] = response.json()
    VALIDATOR.validate(body)
    assert body["jsonapi"] == {"version": "1.1"}
    return body


def errors(response: Response, status: int) -> list[dict[str, Any]]:
    """The error objects of an errors document of that status."""
    found: list[dict[str, Any]] = document(response, status)["errors"]
    assert found
    assert {error["status"] for error in found} == {str(status)}
    return found


def new(**attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "items", "attributes": attributes}}


async def send(client: AsyncClient, method: str, url: str, body: Any, **headers: str) -> Response:
    content = json.dumps(body).encode()
    return await client.request(
        method, url, content=content, headers={"content-type": JSONAPI, **headers}
    )


async def test_create_read_update_delete(client: AsyncClient) -> None:
    created = await send(client, "POST", "/items", new(name=" Lamp ", description="Bright."))
    item = document(created, 201)["data"]
    assert (item["type"], item["attributes"]["name"]) == ("items", "Lamp")
    assert item["attributes"]["description"] == "Bright."
    assert item["attributes"]["createdAt"].endswith(("Z", "+00:00"))
    assert created.headers["location"] == item["links"]["self"] == f"http://test/items/{item['id']}"

    fetched = document(await client.get(created.headers["location"]))
    assert fetched["data"] == item
    assert fetched["links"]["self"] == item["links"]["self"]

    change = {"data": {"type": "items", "id": item["id"], "attributes": {"description": None}}}
    changed = document(await send(client, "PATCH", f"/items/{item['id']}", change))["data"]
    assert changed["attributes"]["name"] == "Lamp"
    assert changed["attributes"]["description"] is None

    deleted = await client.delete(f"/items/{item['id']}")
    assert (deleted.status_code, deleted.content) == (204, b"")
    missing = errors(await client.get(f"/items/{item['id']}"), 404)
    assert missing[0]["detail"] == f"Item {item['id']} does not exist."


async def test_a_taken_name_is_a_409(client: AsyncClient, items: ItemStore) -> None:
    await create_item(items, name="Lamp")
    table_id = (await create_item(items, name="Table")).id  # read before a write expires it
    assert (
        "Lamp" in errors(await send(client, "POST", "/items", new(name="Lamp")), 409)[0]["detail"]
    )
    rename = {"data": {"type": "items", "id": str(table_id), "attributes": {"name": "Lamp"}}}
    errors(await send(client, "PATCH", f"/items/{table_id}", rename), 409)


@pytest.mark.parametrize(
    ("attributes", "pointer"),
    [
        ({}, "/data/attributes/name"),
        ({"name": ""}, "/data/attributes/name"),
        ({"name": "x" * 101}, "/data/attributes/name"),
        ({"name": "ok", "description": "d" * 1001}, "/data/attributes/description"),
        ({"name": "a\x00b"}, "/data/attributes/name"),
        # Members the resource does not have are refused, never silently dropped: a client
        # library sending the relationship as an attribute must learn it was not taken.
        ({"name": "ok", "bogus": 1}, "/data/attributes/bogus"),
        ({"name": "ok", "parent": {"data": None}}, "/data/attributes/parent"),
    ],
)
async def test_invalid_attributes_are_422_pointing_at_the_member(
    client: AsyncClient, attributes: dict[str, str], pointer: str
) -> None:
    found = errors(await send(client, "POST", "/items", new(**attributes)), 422)
    assert [error["source"] for error in found] == [{"pointer": pointer}]


async def test_a_document_without_data_is_422(client: AsyncClient) -> None:
    found = errors(await send(client, "POST", "/items", {"name": "Lamp"}), 422)
    assert found[0]["source"] == {"pointer": "/data"}


async def test_a_body_that_is_not_json_is_a_400(client: AsyncClient) -> None:
    response = await client.post("/items", content=b"{", headers={"content-type": JSONAPI})
    assert "source" not in errors(response, 400)[0]


async def test_a_resource_of_another_type_is_a_409(client: AsyncClient, items: ItemStore) -> None:
    item_id = (await create_item(items)).id
    wrong = {"data": {"type": "people", "attributes": {"name": "Ann"}}}
    errors(await send(client, "POST", "/items", wrong), 409)
    other_id = {"data": {"type": "items", "id": str(item_id + 1), "attributes": {}}}
    errors(await send(client, "PATCH", f"/items/{item_id}", other_id), 409)


async def test_a_client_generated_id_is_a_403(client: AsyncClient) -> None:
    body = {"data": {"type": "items", "id": "7", "attributes": {"name": "Lamp"}}}
    errors(await send(client, "POST", "/items", body), 403)


async def test_patch_without_attributes_changes_nothing(
    client: AsyncClient, items: ItemStore
) -> None:
    item = await create_item(items, name="Chair", description="Oak")
    body = {"data": {"type": "items", "id": str(item.id)}}
    changed = document(await send(client, "PATCH", f"/items/{item.id}", body))["data"]
    assert (changed["attributes"]["name"], changed["attributes"]["description"]) == ("Chair", "Oak")


async def test_patch_with_a_null_name_is_422(client: AsyncClient, items: ItemStore) -> None:
    item = await create_item(items)
    body = {"data": {"type": "items", "id": str(item.id), "attributes": {"name": None}}}
    errors(await send(client, "PATCH", f"/items/{item.id}", body), 422)


@pytest.mark.parametrize(
    "content_type",
    ["application/json", f"{JSONAPI}; charset=utf-8", f'{JSONAPI}; ext="https://x.test/ext"'],
)
async def test_a_body_not_sent_as_plain_jsonapi_is_a_415(
    client: AsyncClient, content_type: str
) -> None:
    response = await send(
        client, "POST", "/items", new(name="Lamp"), **{"content-type": content_type}
    )
    errors(response, 415)
    assert document(await client.get("/items"))["meta"]["total"] == 0


async def test_a_profile_parameter_is_accepted(client: AsyncClient) -> None:
    content_type = f'{JSONAPI}; profile="https://example.com/profile"'
    response = await send(
        client, "POST", "/items", new(name="Lamp"), **{"content-type": content_type}
    )
    document(response, 201)


@pytest.mark.parametrize(
    ("accept", "status"),
    [
        (JSONAPI, 200),
        ("*/*", 200),
        (f"{JSONAPI}; charset=utf-8, {JSONAPI}", 200),
        (f'{JSONAPI}; profile="https://example.com/p"', 200),
        (f"{JSONAPI}; charset=utf-8", 406),
        (f"{JSONAPI}; charset=utf-8, */*", 406),  # the spec: every JSON:API instance counts
        ("application/xml", 406),
        (f"{JSONAPI}; q=0", 406),
        (f"{JSONAPI}; q=x", 406),
    ],
)
async def test_accept_negotiation(client: AsyncClient, accept: str, status: int) -> None:
    response = await client.get("/items", headers={"accept": accept})
    if status == 200:
        document(response)
    else:
        errors(response, status)


async def test_list_pages_with_links_and_a_total(client: AsyncClient, items: ItemStore) -> None:
    for n in range(5):
        await create_item(items, name=f"page-{n}")
    first = document(await client.get("/items", params={"page[limit]": 2}))
    assert [item["attributes"]["name"] for item in first["data"]] == ["page-0", "page-1"]
    assert first["meta"] == {"total": 5}
    assert "prev" not in first["links"]
    second = document(await client.get(first["links"]["next"]))
    assert [item["attributes"]["name"] for item in second["data"]] == ["page-2", "page-3"]
    last = document(await client.get(second["links"]["next"]))
    assert [item["attributes"]["name"] for item in last["data"]] == ["page-4"]
    assert "next" not in last["links"]
    assert last["links"]["self"] == first["links"]["last"]
    assert document(await client.get(last["links"]["first"]))["data"] == first["data"]
    assert document(await client.get(last["links"]["prev"]))["data"] == second["data"]


async def test_an_empty_collection(client: AsyncClient) -> None:
    empty = document(await client.get("/items"))
    assert (empty["data"], empty["meta"]["total"]) == ([], 0)
    assert empty["links"]["last"] == empty["links"]["first"]


async def test_list_sorts_by_the_fields_given(client: AsyncClient, items: ItemStore) -> None:
    for name in ("pear", "apple", "fig"):
        await create_item(items, name=name)

    async def names(sort: str) -> list[str]:
        found = document(await client.get("/items", params={"sort": sort}))["data"]
        return [item["attributes"]["name"] for item in found]

    assert await names("name") == ["apple", "fig", "pear"]
    assert await names("-name") == ["pear", "fig", "apple"]
    assert await names("-id") == ["fig", "apple", "pear"]
    assert await names("createdAt,name") == ["pear", "apple", "fig"]


async def test_list_filters_by_name_ignoring_case(client: AsyncClient, items: ItemStore) -> None:
    for name in ("Red Lamp", "Blue lamp", "Desk"):
        await create_item(items, name=name)
    found = document(await client.get("/items", params={"filter[name]": "LAMP"}))
    assert sorted(item["attributes"]["name"] for item in found["data"]) == ["Blue lamp", "Red Lamp"]
    assert found["meta"]["total"] == 2
    assert "filter%5Bname%5D=LAMP" in found["links"]["first"]


async def test_sparse_fieldsets(client: AsyncClient, items: ItemStore) -> None:
    item = await create_item(items, name="Lamp", description=None)
    only_name = document(await client.get(f"/items/{item.id}", params={"fields[items]": "name"}))
    assert only_name["data"]["attributes"] == {"name": "Lamp"}
    assert "relationships" not in only_name["data"]
    two = document(await client.get("/items", params={"fields[items]": "description,updatedAt"}))
    assert set(two["data"][0]["attributes"]) == {"description", "updatedAt"}
    assert two["data"][0]["attributes"]["description"] is None
    none = document(await client.get("/items", params={"fields[items]": ""}))
    assert none["data"][0]["attributes"] == {}


def under(parent: Any) -> dict[str, Any]:
    """A relationships object putting an item under ``parent`` (an item id, or None)."""
    data = None if parent is None else {"type": "items", "id": str(parent)}
    return {"parent": {"data": data}}


async def test_an_item_sits_under_a_parent_which_include_adds(client: AsyncClient) -> None:
    shelf = document(await send(client, "POST", "/items", new(name="Shelf")), 201)["data"]
    assert shelf["relationships"] == {"parent": {"data": None}}
    body = new(name="Book")
    body["data"]["relationships"] = under(shelf["id"])
    book = document(await send(client, "POST", "/items", body), 201)["data"]
    assert book["relationships"]["parent"]["data"] == {"type": "items", "id": shelf["id"]}

    alone = document(await client.get(f"/items/{book['id']}"))
    assert "included" not in alone
    with_parent = document(await client.get(f"/items/{book['id']}", params={"include": "parent"}))
    assert with_parent["included"] == [shelf]
    # A compound document holds each resource once: the shelf is primary data here already.
    both = document(await client.get("/items", params={"include": "parent", "sort": "id"}))
    assert [item["id"] for item in both["data"]] == [shelf["id"], book["id"]]
    assert both["included"] == []
    books = {"include": "parent", "filter[name]": "book", "fields[items]": "name,parent"}
    sparse = document(await client.get("/items", params=books))
    assert sparse["data"][0]["relationships"] == book["relationships"]
    assert sparse["included"] == [
        {
            "type": "items",
            "id": shelf["id"],
            "attributes": {"name": "Shelf"},
            "relationships": {"parent": {"data": None}},
            "links": shelf["links"],
        }
    ]


async def test_patch_moves_an_item_and_null_takes_it_out(
    client: AsyncClient, items: ItemStore
) -> None:
    shelf, box, book = [
        (await create_item(items, name=name)).id for name in ("Shelf", "Box", "Book")
    ]
    for parent in (shelf, box, None):
        change = {"data": {"type": "items", "id": str(book), "relationships": under(parent)}}
        moved = document(await send(client, "PATCH", f"/items/{book}", change))["data"]
        assert moved["relationships"] == under(parent)
        assert moved["attributes"]["name"] == "Book"


@pytest.mark.parametrize(
    ("parent", "status"),
    [
        ({"type": "items", "id": "2147483647"}, 404),
        ({"type": "items", "id": "x"}, 404),
        ({"type": "items", "id": "99999999999"}, 404),
        ({"type": "shelves", "id": "1"}, 409),
    ],
)
async def test_a_parent_that_is_not_an_item_is_refused(
    client: AsyncClient, parent: dict[str, str], status: int
) -> None:
    body = new(name="Book")
    body["data"]["relationships"] = {"parent": {"data": parent}}
    errors(await send(client, "POST", "/items", body), status)
    assert document(await client.get("/items"))["meta"]["total"] == 0


async def test_unknown_members_of_a_change_are_422(client: AsyncClient, items: ItemStore) -> None:
    item_id = str((await create_item(items, name="Lamp")).id)
    change: dict[str, Any] = {"type": "items", "id": item_id, "attributes": {"colour": "red"}}
    found = errors(await send(client, "PATCH", f"/items/{item_id}", {"data": change}), 422)
    assert [error["source"] for error in found] == [{"pointer": "/data/attributes/colour"}]
    change = {"type": "items", "id": item_id, "relationships": {"owner": {"data": None}}}
    found = errors(await send(client, "PATCH", f"/items/{item_id}", {"data": change}), 422)
    assert [error["source"] for error in found] == [{"pointer": "/data/relationships/owner"}]


async def test_a_relationship_that_is_null_is_a_422(client: AsyncClient) -> None:
    body = new(name="Book")
    body["data"]["relationships"] = {"parent": None}
    found = errors(await send(client, "POST", "/items", body), 422)
    assert found[0]["source"] == {"pointer": "/data/relationships/parent"}


async def test_an_item_cannot_sit_under_itself_or_below_it(
    client: AsyncClient, items: ItemStore
) -> None:
    shelf = (await create_item(items, name="Shelf")).id
    book = (await create_item(items, name="Book", parent_id=shelf)).id
    for parent in (shelf, book):
        change = {"data": {"type": "items", "id": str(shelf), "relationships": under(parent)}}
        found = errors(await send(client, "PATCH", f"/items/{shelf}", change), 409)
        assert f"Item {shelf} cannot sit under item {parent}" in found[0]["detail"]


async def test_a_parent_cannot_be_deleted_while_items_sit_under_it(
    client: AsyncClient, items: ItemStore
) -> None:
    shelf = (await create_item(items, name="Shelf")).id
    book = (await create_item(items, name="Book", parent_id=shelf)).id
    refused = errors(await client.delete(f"/items/{shelf}"), 409)
    assert refused[0]["detail"] == f"Item {shelf} has items under it; move or delete them first."
    assert (await client.delete(f"/items/{book}")).status_code == 204
    assert (await client.delete(f"/items/{shelf}")).status_code == 204


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/items?sort=colour", "sort"),
        ("/items?sort=name,", "sort"),
        ("/items?fields[items]=colour", "fields[items]"),
        ("/items?page[limit]=0", "page[limit]"),
        ("/items?page[limit]=101", "page[limit]"),
        ("/items?page[offset]=-1", "page[offset]"),
        ("/items?page[number]=2", "page[number]"),
        ("/items?limit=2", "limit"),
        ("/items?include=owner", "include"),
        ("/items/1?include=owner", "include"),
        ("/items/1?include=parent.parent", "include"),
        ("/items/1?sort=name", "sort"),
    ],
)
async def test_query_parameters_it_cannot_process_are_a_400(
    client: AsyncClient, url: str, parameter: str
) -> None:
    found = errors(await client.get(url), 400)
    assert [error["source"] for error in found] == [{"parameter": parameter}]


@pytest.mark.parametrize(
    ("method", "url"),
    [("GET", "/items/2147483648"), ("DELETE", "/items/0"), ("GET", "/items/x")],
)
async def test_ids_out_of_range_are_refused(client: AsyncClient, method: str, url: str) -> None:
    errors(await client.request(method, url), 422)


async def test_unknown_routes_and_methods(client: AsyncClient) -> None:
    errors(await client.get("/nothing-here"), 404)
    put = await client.put("/items")
    errors(put, 405)
    assert put.headers["allow"] == "GET, POST"


async def test_openapi_documents_the_media_type(client: AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    create = spec["paths"]["/items"]["post"]
    assert JSONAPI in create["requestBody"]["content"]
    assert JSONAPI in create["responses"]["201"]["content"]
    assert JSONAPI in create["responses"]["409"]["content"]
    parameters = {p["name"] for p in spec["paths"]["/items"]["get"]["parameters"]}
    assert parameters == {
        "fields[items]",
        "sort",
        "page[offset]",
        "page[limit]",
        "filter[name]",
        "include",
    }
