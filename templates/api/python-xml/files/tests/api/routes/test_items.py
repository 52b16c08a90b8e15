"""/items over XML, end to end: every answer is checked against the XSD the service publishes,
and hostile documents are refused before they are expanded or fetched."""

from xml.etree.ElementTree import Element

import pytest
import xmlschema
from defusedxml.ElementTree import fromstring
from httpx import AsyncClient, Response

from app.repositories.store import ItemStore
from tests.factories import create_item

XML = "application/xml"
PROBLEM_XML = "application/problem+xml"
PROBLEM = "{urn:ietf:rfc:7807}"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
NIL = '<description xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>'


@pytest.fixture
async def schema(client: AsyncClient) -> xmlschema.XMLSchema:
    response = await client.get("/schemas/items.xsd")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(XML)
    return xmlschema.XMLSchema(response.text)


def document(response: Response, schema: xmlschema.XMLSchema) -> Element:
    """The answer's XML, once it has the XML media type and the XSD accepts it."""
    assert response.headers["content-type"].startswith(XML), response.text
    schema.validate(response.text)
    root: Element = fromstring(response.content)
    return root


def problem(response: Response, status: int) -> str:
    """The problem's detail, once the answer is an application/problem+xml of that status."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_XML
    root = fromstring(response.content)
    assert root.tag == f"{PROBLEM}problem"
    assert root.findtext(f"{PROBLEM}status") == str(status)
    return root.findtext(f"{PROBLEM}detail") or ""


async def post(client: AsyncClient, body: str, **headers: str) -> Response:
    return await client.post("/items", content=body, headers={"content-type": XML, **headers})


async def test_create_read_update_delete(client: AsyncClient, schema: xmlschema.XMLSchema) -> None:
    created = await post(client, "<item><name>Lamp</name><description>Bright</description></item>")
    assert created.status_code == 201
    item = document(created, schema)
    item_id = item.get("id")
    assert (item.findtext("name"), item.findtext("description")) == ("Lamp", "Bright")
    assert created.headers["location"].endswith(f"/items/{item_id}")

    fetched = document(await client.get(f"/items/{item_id}"), schema)
    assert fetched.findtext("name") == "Lamp"

    patched = await client.patch(
        f"/items/{item_id}", content=f"<item>{NIL}</item>", headers={"content-type": XML}
    )
    assert patched.status_code == 200
    changed = document(patched, schema)
    assert changed.findtext("name") == "Lamp"
    description = changed.find("description")
    assert description is not None
    assert description.get(f"{XSI}nil") == "true"  # no description

    assert (await client.delete(f"/items/{item_id}")).status_code == 204
    problem(await client.get(f"/items/{item_id}"), 404)


async def test_list_pages_with_links(
    client: AsyncClient, items: ItemStore, schema: xmlschema.XMLSchema
) -> None:
    for _ in range(3):
        await create_item(items)
    page = document(await client.get("/items", params={"limit": 2}), schema)
    assert (page.get("total"), page.get("limit"), page.get("offset")) == ("3", "2", "0")
    assert len(page.findall("item")) == 2
    links = {link.get("rel"): link.get("href") for link in page.findall("link")}
    assert set(links) == {"self", "next"}
    last = document(await client.get(links["next"] or ""), schema)
    assert [link.get("rel") for link in last.findall("link")] == ["self", "prev"]
    assert len(last.findall("item")) == 1


async def test_a_taken_name_is_a_409(client: AsyncClient, items: ItemStore) -> None:
    await create_item(items, name="Desk")
    detail = problem(await post(client, "<item><name>Desk</name></item>"), 409)
    assert "Desk" in detail


@pytest.mark.parametrize(
    "body",
    [
        "<item><description>no name</description></item>",  # a new item needs a name
        "<item><name>   </name></item>",  # blank
        f"<item><name>{'n' * 101}</name></item>",  # longer than the XSD allows
        "<item><colour>red</colour></item>",  # not in the XSD
        "<thing><name>Lamp</name></thing>",  # not an item
        '<item id="7"><name>Lamp</name></item>',  # ids are the service's
    ],
)
async def test_documents_the_xsd_or_the_rules_refuse_are_422(
    client: AsyncClient, body: str
) -> None:
    problem(await post(client, body), 422)


async def test_patch_a_missing_item_is_a_404_and_to_a_taken_name_a_409(
    client: AsyncClient, items: ItemStore
) -> None:
    await create_item(items, name="Taken")
    free = await create_item(items, name="Free")
    rename = "<item><name>Taken</name></item>"
    headers = {"content-type": XML}
    problem(await client.patch("/items/999999", content=rename, headers=headers), 404)
    problem(await client.patch(f"/items/{free.id}", content=rename, headers=headers), 409)


async def test_list_filters_by_name_ignoring_case(
    client: AsyncClient, items: ItemStore, schema: xmlschema.XMLSchema
) -> None:
    for name in ("Red Lamp", "Blue lamp", "Desk"):
        await create_item(items, name=name)
    page = document(await client.get("/items", params={"name": "LAMP"}), schema)
    assert sorted(item.findtext("name") or "" for item in page.findall("item")) == [
        "Blue lamp",
        "Red Lamp",
    ]


async def test_bad_paging_is_a_422_listing_what_is_wrong(client: AsyncClient) -> None:
    response = await client.get("/items", params={"limit": 0})
    problem(response, 422)
    root = fromstring(response.content)
    locations = [[part.text for part in loc] for loc in root.iter(f"{PROBLEM}loc")]
    assert locations == [["query", "limit"]]


async def test_a_method_a_path_does_not_serve_is_a_405_with_allow(client: AsyncClient) -> None:
    response = await client.put("/items")
    problem(response, 405)
    assert response.headers["allow"] == "GET, POST"


async def test_json_is_a_415_and_an_answer_nobody_accepts_a_406(client: AsyncClient) -> None:
    as_json = await client.post("/items", json={"name": "Lamp"})
    assert "application/xml" in problem(as_json, 415)
    problem(await client.get("/items", headers={"accept": "application/json"}), 406)
    assert (await client.get("/items", headers={"accept": "application/*"})).status_code == 200
    # Answers are application/xml: a client taking only text/* (text/xml) would not read them.
    problem(await client.get("/items", headers={"accept": "text/*"}), 406)


@pytest.mark.parametrize(
    ("accept", "status"),
    [
        ("application/xml;q=0, */*;q=0.1", 406),
        ("*/*;q=0.1", 200),
        ("application/xml;q=0.5, application/json", 200),
        ("text/*;q=0, application/*;q=0.0", 406),
        ("application/json, */*;q=0", 406),
        ("APPLICATION/XML; Q=0.001", 200),
        ("application/xml;q=2", 406),
    ],
)
async def test_accept_is_negotiated_by_quality(
    client: AsyncClient, accept: str, status: int
) -> None:
    response = await client.get("/items", headers={"accept": accept})
    assert response.status_code == status


@pytest.mark.parametrize("depth", [50, 100, 5000])
async def test_elements_nested_deep_are_a_422(client: AsyncClient, depth: int) -> None:
    nested = f"<item><name>{'<a>' * depth}{'</a>' * depth}</name></item>"
    problem(await post(client, nested), 422)


async def test_xml_that_is_not_well_formed_is_a_400(client: AsyncClient) -> None:
    problem(await post(client, "<item><name>Lamp</item>"), 400)


# The attacks a parser with DTDs enabled falls for. Each is refused with 400 before any entity
# is expanded or any file or URL fetched.
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE item [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<item><name>&d;</name></item>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE item [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<item><name>&secret;</name></item>"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE item SYSTEM "http://127.0.0.1:9/evil.dtd">
<item><name>Lamp</name></item>"""
PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE item [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<item><name>Lamp</name></item>"""


@pytest.mark.parametrize(
    "attack",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, PARAMETER_ENTITY],
    ids=["entity expansion", "external entity", "external DTD", "parameter entity"],
)
async def test_hostile_xml_is_refused_with_400(
    client: AsyncClient, items: ItemStore, attack: str
) -> None:
    response = await post(client, attack)
    assert "DTD" in problem(response, 400)
    assert "root:" not in response.text
    assert (await items.list(limit=1, offset=0))[1] == 0  # nothing was stored


async def test_the_xsd_is_published_and_describes_items(schema: xmlschema.XMLSchema) -> None:
    assert {"item", "items"} <= set(schema.elements)
