"""The GraphQL API over HTTP: queries, mutations, cursor pages, error codes, request limits."""

from typing import Any

import pytest
from graphql import GraphQLError
from httpx import AsyncClient

from app.api.graphql import (
    CACHED_QUERY_CHARS,
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_TOKENS,
    ValidationByText,
)
from app.api.routes.graphql import coded
from app.repositories.store import ItemStore
from tests.factories import create_item

ITEM_FIELDS = "id name description createdAt updatedAt"
CREATE = f"mutation($input: CreateItemInput!) {{ createItem(input: $input) {{ {ITEM_FIELDS} }} }}"
UPDATE = (
    "mutation($id: Int!, $input: UpdateItemInput!) "
    f"{{ updateItem(id: $id, input: $input) {{ {ITEM_FIELDS} }} }}"
)
DELETE = "mutation($id: Int!) { deleteItem(id: $id) }"
GET = f"query($id: Int!) {{ item(id: $id) {{ {ITEM_FIELDS} }} }}"
PAGE = """
query($first: Int, $after: String, $name: String) {
  items(first: $first, after: $after, nameContains: $name) {
    totalCount
    edges { cursor node { id name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


async def graphql(client: AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body["errors"]]


async def test_create_then_read_an_item(client: AsyncClient) -> None:
    body = await graphql(client, CREATE, input={"name": " Lamp ", "description": "Bright."})
    assert "errors" not in body
    created = body["data"]["createItem"]
    assert created["name"] == "Lamp"
    assert created["description"] == "Bright."
    assert created["createdAt"].endswith(("Z", "+00:00"))
    fetched = await graphql(client, GET, id=created["id"])
    assert fetched == {"data": {"item": created}}


async def test_a_taken_name_is_a_conflict(client: AsyncClient, items: ItemStore) -> None:
    await create_item(items, name="Lamp")
    body = await graphql(client, CREATE, input={"name": "Lamp"})
    assert body["data"] is None
    assert codes(body) == ["CONFLICT"]
    assert "Lamp" in body["errors"][0]["message"]
    assert body["errors"][0]["path"] == ["createItem"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "ok", "description": "d" * 1001}, "description"),
        ({"name": "nul\x00"}, "name"),
    ],
)
async def test_invalid_input_is_bad_user_input_naming_the_field(
    client: AsyncClient, fields: dict[str, str], field: str
) -> None:
    body = await graphql(client, CREATE, input=fields)
    assert body["data"] is None
    assert codes(body) == ["BAD_USER_INPUT"]
    assert [e["field"] for e in body["errors"][0]["extensions"]["errors"]] == [field]


async def test_a_missing_item_is_null_with_not_found(client: AsyncClient) -> None:
    body = await graphql(client, GET, id=999_999)
    assert body["data"] == {"item": None}
    assert codes(body) == ["NOT_FOUND"]
    assert body["errors"][0]["path"] == ["item"]


async def test_update_changes_only_the_fields_sent(client: AsyncClient, items: ItemStore) -> None:
    item = await create_item(items, name="Lamp", description="Old.")
    body = await graphql(client, UPDATE, id=item.id, input={"description": "New."})
    updated = body["data"]["updateItem"]
    assert (updated["name"], updated["description"]) == ("Lamp", "New.")
    body = await graphql(client, UPDATE, id=item.id, input={"description": None})
    assert body["data"]["updateItem"]["description"] is None


async def test_update_refuses_a_null_name(client: AsyncClient, items: ItemStore) -> None:
    item = await create_item(items, name="Lamp")
    body = await graphql(client, UPDATE, id=item.id, input={"name": None})
    assert codes(body) == ["BAD_USER_INPUT"]
    assert (await graphql(client, GET, id=item.id))["data"]["item"]["name"] == "Lamp"


async def test_update_errors(client: AsyncClient, items: ItemStore) -> None:
    await create_item(items, name="Lamp")
    desk = await create_item(items, name="Desk")
    assert codes(await graphql(client, UPDATE, id=desk.id, input={"name": "Lamp"})) == ["CONFLICT"]
    assert codes(await graphql(client, UPDATE, id=999_999, input={"name": "x"})) == ["NOT_FOUND"]


async def test_delete_returns_the_id_once(client: AsyncClient, items: ItemStore) -> None:
    item = await create_item(items)
    assert await graphql(client, DELETE, id=item.id) == {"data": {"deleteItem": item.id}}
    assert codes(await graphql(client, DELETE, id=item.id)) == ["NOT_FOUND"]
    assert codes(await graphql(client, GET, id=item.id)) == ["NOT_FOUND"]


async def test_pages_follow_the_cursors(client: AsyncClient, items: ItemStore) -> None:
    made = [await create_item(items, name=f"page-{n}") for n in range(5)]
    seen: list[int] = []
    after = None
    pages = 0
    while True:
        connection = (await graphql(client, PAGE, first=2, after=after))["data"]["items"]
        assert connection["totalCount"] == 5
        info = connection["pageInfo"]
        assert info["hasPreviousPage"] is (pages > 0)
        assert info["startCursor"] == connection["edges"][0]["cursor"]
        assert info["endCursor"] == connection["edges"][-1]["cursor"]
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        pages += 1
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert pages == 3
    assert seen == [item.id for item in made]


async def test_an_empty_page_has_no_cursors(client: AsyncClient) -> None:
    connection = (await graphql(client, PAGE, name="nothing-matches"))["data"]["items"]
    assert connection == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }


async def test_name_filter(client: AsyncClient, items: ItemStore) -> None:
    await create_item(items, name="Desk lamp")
    await create_item(items, name="Chair")
    connection = (await graphql(client, PAGE, name="LAMP"))["data"]["items"]
    assert [edge["node"]["name"] for edge in connection["edges"]] == ["Desk lamp"]


@pytest.mark.parametrize(
    "variables",
    [
        {"first": 0},
        {"first": 101},
        {"after": "not-a-cursor"},
        {"after": "aXRlbTotMQ=="},  # "item:-1"
        {"name": "x" * 101},
    ],
)
async def test_bad_page_arguments_are_bad_user_input(
    client: AsyncClient, variables: dict[str, Any]
) -> None:
    body = await graphql(client, PAGE, **variables)
    assert body["data"] is None
    assert codes(body) == ["BAD_USER_INPUT"]


async def test_sibling_fields_in_one_query(client: AsyncClient, items: ItemStore) -> None:
    # Resolved concurrently by GraphQL, over the one store session of the request.
    item = await create_item(items, name="Lamp")
    query = f"{{ one: item(id: {item.id}) {{ name }} all: items {{ totalCount }} }}"
    body = await graphql(client, query)
    assert body == {"data": {"one": {"name": "Lamp"}, "all": {"totalCount": 1}}}


async def test_a_query_that_does_not_parse(client: AsyncClient) -> None:
    body = await graphql(client, "{ items { ")
    assert codes(body) == ["GRAPHQL_PARSE_FAILED"]


async def test_an_unknown_field_fails_validation(client: AsyncClient) -> None:
    body = await graphql(client, "{ items { secret } }")
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "secret" in body["errors"][0]["message"]


async def test_queries_deeper_than_the_limit_are_refused(client: AsyncClient) -> None:
    # Depth is counted on the document, before fields are looked up: a schema that grows a
    # cycle (an item's related items) stays protected.
    # The second time, the query's parse and validation come from the caches: still refused.
    query = "{ items { edges { node { " + "a { " * MAX_DEPTH + "b" + " }" * MAX_DEPTH + " } } } }"
    for _ in range(2):
        body = await graphql(client, query)
        assert any("exceeds maximum operation depth" in e["message"] for e in body["errors"])
        assert set(codes(body)) == {"GRAPHQL_VALIDATION_FAILED"}


async def test_too_many_aliases_are_refused(client: AsyncClient) -> None:
    fields = " ".join(f"a{n}: items {{ totalCount }}" for n in range(MAX_ALIASES + 1))
    body = await graphql(client, f"{{ {fields} }}")
    assert body["data"] is None
    assert "aliases" in body["errors"][0]["message"]
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    allowed = " ".join(f"a{n}: items {{ totalCount }}" for n in range(MAX_ALIASES))
    assert "errors" not in await graphql(client, f"{{ {allowed} }}")


async def test_a_repeated_query_is_validated_once_by_its_own_text(client: AsyncClient) -> None:
    ValidationByText.kept.clear()
    query = "{ items(first: 1) { totalCount } }"
    for _ in range(2):
        assert "errors" not in await graphql(client, query)
    assert [text for text, _ in ValidationByText.kept] == [query]
    # Two queries that differ only in a line break: each error points into its own text.
    first = await graphql(client, "{ nope }")
    second = await graphql(client, "{\n nope }")
    assert first["errors"][0]["locations"] == [{"line": 1, "column": 3}]
    assert second["errors"][0]["locations"] == [{"line": 2, "column": 2}]
    # A long query is validated each time, never kept.
    long_query = "{ items(first: 1) { totalCount } }" + " " * CACHED_QUERY_CHARS
    assert "errors" not in await graphql(client, long_query)
    assert long_query not in [text for text, _ in ValidationByText.kept]


async def test_too_many_tokens_are_refused(client: AsyncClient) -> None:
    for _ in range(2):  # a refused parse is not cached
        body = await graphql(client, "{ items { " + "totalCount " * MAX_TOKENS + "} }")
        assert body["data"] is None
        assert codes(body) == ["GRAPHQL_PARSE_FAILED"]


async def test_queries_may_be_sent_with_get(client: AsyncClient, items: ItemStore) -> None:
    item = await create_item(items, name="Lamp")
    query = f"{{ item(id: {item.id}) {{ name }} }}"
    response = await client.get("/graphql", params={"query": query})
    assert response.json() == {"data": {"item": {"name": "Lamp"}}}


async def test_mutations_are_not_allowed_with_get(client: AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "mutation { deleteItem(id: 1) }"})
    assert response.status_code == 400
    assert "not allowed" in response.text


def test_a_failure_of_the_server_is_answered_without_its_detail() -> None:
    error = GraphQLError("boom", path=["items"], original_error=RuntimeError("password=x"))
    answered = coded(error)
    assert answered.message == "Internal server error."
    assert answered.extensions == {"code": "INTERNAL_SERVER_ERROR"}
    assert answered.path == ["items"]
