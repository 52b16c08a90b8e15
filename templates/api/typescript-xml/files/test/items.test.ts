/** /items over XML, end to end: every answer is checked against the XSD the service publishes
 * (with libxml2, through xmllint-wasm), and hostile documents are refused before they are
 * expanded or fetched. */
import type { FastifyInstance } from "fastify";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { validateXML } from "xmllint-wasm";

import { createItemService } from "../src/{{ (cookiecutter.data.typescript_item_service_modules | first)[2:] }}";
import { startApp } from "./helpers.js";
import { emptyItems } from "./store.js";

const XML = "application/xml";
const PROBLEM_XML = "application/problem+xml";
const NIL = '<description xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>';

let app: FastifyInstance;
let xsd: string;

beforeAll(async () => {
  app = await startApp();
  const response = await app.inject("/schemas/items.xsd");
  expect(response.headers["content-type"]).toContain(XML);
  xsd = response.body;
});
beforeEach(async () => {
  await emptyItems(app);
});
afterAll(() => app.close());

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" });
type Node = Record<string, unknown>;

/** The answer's XML, once it has the XML media type and libxml2 finds it valid against the XSD. */
async function document(response: { headers: Record<string, unknown>; body: string }) {
  expect(response.headers["content-type"]).toContain(XML);
  const result = await validateXML({
    xml: [{ fileName: "answer.xml", contents: response.body }],
    schema: [{ fileName: "items.xsd", contents: xsd }],
  });
  expect(result.errors).toEqual([]);
  expect(result.valid).toBe(true);
  return parser.parse(response.body) as Record<string, Node>;
}

/** The problem's detail, once the answer is an application/problem+xml of that status. */
function problem(
  response: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
) {
  expect(response.statusCode).toBe(status);
  expect(response.headers["content-type"]).toContain(PROBLEM_XML);
  const { problem } = parser.parse(response.body) as { problem: Node };
  expect(problem["@xmlns"]).toBe("urn:ietf:rfc:7807");
  expect(problem.status).toBe(status);
  return String(problem.detail);
}

function send(method: "POST" | "PATCH", url: string, payload: string, headers: Node = {}) {
  return app.inject({ method, url, payload, headers: { "content-type": XML, ...headers } });
}

async function add(name: string, description: string | null = null) {
  return createItemService(app.resources).create({ name, description });
}

describe("/items in XML", () => {
  it("creates, reads, updates and deletes an item", async () => {
    const created = await send(
      "POST",
      "/items",
      "<item><name>Lamp</name><description>Bright</description></item>",
    );
    expect(created.statusCode).toBe(201);
    const { item } = await document(created);
    expect(item).toMatchObject({ name: "Lamp", description: "Bright" });
    const id = String(item?.["@id"]);
    expect(created.headers.location).toMatch(new RegExp(`/items/${id}$`));

    const fetched = await document(await app.inject(`/items/${id}`));
    expect(fetched.item?.name).toBe("Lamp");

    const patched = await send("PATCH", `/items/${id}`, `<item>${NIL}</item>`);
    expect(patched.statusCode).toBe(200);
    const changed = (await document(patched)).item;
    expect(changed?.name).toBe("Lamp");
    expect(changed?.description).toMatchObject({ "@xsi:nil": "true" });

    expect((await app.inject({ method: "DELETE", url: `/items/${id}` })).statusCode).toBe(204);
    problem(await app.inject(`/items/${id}`), 404);
  });

  it("pages through the items with links", async () => {
    for (const name of ["a", "b", "c"]) await add(name);
    const { items } = await document(await app.inject("/items?limit=2"));
    expect([items?.["@total"], items?.["@limit"], items?.["@offset"]]).toEqual(["3", "2", "0"]);
    const links = items?.link as Node[];
    expect(links.map((link) => link["@rel"])).toEqual(["self", "next"]);
    const next = new URL(String(links[1]?.["@href"]));
    const last = (await document(await app.inject(`${next.pathname}${next.search}`))).items;
    expect((last?.link as Node[]).map((link) => link["@rel"])).toEqual(["self", "prev"]);
    expect(last?.item).toMatchObject({ name: "c" }); // one item: parsed as an object
  });

  it("filters by a case-insensitive substring of the name", async () => {
    for (const name of ["Red Lamp", "Blue lamp", "Desk"]) await add(name);
    const { items } = await document(await app.inject("/items?name=LAMP"));
    const names = (items?.item as Node[]).map((item) => item.name);
    expect(names.sort()).toEqual(["Blue lamp", "Red Lamp"]);
  });

  it("refuses a taken name with 409, on create and on rename", async () => {
    await add("Taken");
    const free = await add("Free");
    expect(problem(await send("POST", "/items", "<item><name>Taken</name></item>"), 409)).toContain(
      "Taken",
    );
    problem(
      await send("PATCH", `/items/${String(free.id)}`, "<item><name>Taken</name></item>"),
      409,
    );
    problem(await send("PATCH", "/items/999999", "<item><name>x</name></item>"), 404);
  });

  it.each([
    ["no name", "<item><description>no name</description></item>"],
    ["a blank name", "<item><name>   </name></item>"],
    ["a name longer than the XSD allows", `<item><name>${"n".repeat(101)}</name></item>`],
    ["an element the XSD lacks", "<item><colour>red</colour></item>"],
    ["a document that is not an item", "<thing><name>Lamp</name></thing>"],
    ["an id, which is the service's", '<item id="7"><name>Lamp</name></item>'],
    ["a name that holds elements", "<item><name><b>Lamp</b></name></item>"],
    ["a repeated element", "<item><name>Lamp</name><name>Desk</name></item>"],
  ])("answers %s with 422", async (_case, body) => {
    problem(await send("POST", "/items", body), 422);
  });

  it("reads text with attributes, and an empty element as empty text", async () => {
    const body = '<item><name xml:lang="en">Lamp</name><description xml:lang="en"/></item>';
    const created = await send("POST", "/items", body);
    expect(created.statusCode).toBe(201);
    expect((await document(created)).item).toMatchObject({ name: "Lamp", description: "" });
    const declared = `<item xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><name>Stool</name><description xsi:nil="true"/></item>`;
    const stool = (await document(await send("POST", "/items", declared))).item;
    expect(stool?.description).toMatchObject({ "@xsi:nil": "true" });
  });

  it("answers JSON with 415, and an Accept that takes no XML with 406", async () => {
    const json = await app.inject({ method: "POST", url: "/items", payload: { name: "Lamp" } });
    problem(json, 415);
    problem(await app.inject({ url: "/items", headers: { accept: "application/json" } }), 406);
    expect(
      (await app.inject({ url: "/items", headers: { accept: "application/*" } })).statusCode,
    ).toBe(200);
    // Answers are application/xml: a client taking only text/* (text/xml) would not read them.
    problem(await app.inject({ url: "/items", headers: { accept: "text/*" } }), 406);
  });

  it.each([
    ["application/xml;q=0, */*;q=0.1", 406],
    ["*/*;q=0.1", 200],
    ["application/xml;q=0.5, application/json", 200],
    ["text/*;q=0, application/*;q=0.0", 406],
    ["application/json, */*;q=0", 406],
    ["APPLICATION/XML; Q=0.001", 200],
    ["application/xml;q=2", 406],
  ])("negotiates Accept: %s by quality (%i)", async (accept, status) => {
    expect((await app.inject({ url: "/items", headers: { accept } })).statusCode).toBe(status);
  });

  it.each([50, 100, 5000])("answers elements nested %i deep with 422", async (depth) => {
    const nested = `<item><name>${"<a>".repeat(depth)}${"</a>".repeat(depth)}</name></item>`;
    problem(await send("POST", "/items", nested), 422);
  });

  it("answers XML that is not well-formed with 400", async () => {
    problem(await send("POST", "/items", "<item><name>Lamp</item>"), 400);
    problem(await send("POST", "/items", "<item><name>bell\u0007</name></item>"), 400);
  });

  it("answers bad paging with 422 and a method a path does not serve with 405", async () => {
    problem(await app.inject("/items?limit=0"), 422);
    const put = await app.inject({ method: "PUT", url: "/items" });
    problem(put, 405);
    expect(put.headers.allow).toBe("GET, POST");
  });
});

// The attacks a parser with DTDs enabled falls for. Each is refused with 400 before any entity
// is expanded or any file or URL fetched.
const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE item [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<item><name>&c;</name></item>`;
const EXTERNAL_ENTITY = `<?xml version="1.0"?>
<!DOCTYPE item [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<item><name>&secret;</name></item>`;
const EXTERNAL_DTD = `<?xml version="1.0"?>
<!DOCTYPE item SYSTEM "http://127.0.0.1:9/evil.dtd">
<item><name>Lamp</name></item>`;
const PARAMETER_ENTITY = `<?xml version="1.0"?>
<!DOCTYPE item [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<item><name>Lamp</name></item>`;

describe("hostile XML", () => {
  it.each([
    ["entity expansion", BILLION_LAUGHS],
    ["an external entity", EXTERNAL_ENTITY],
    ["an external DTD", EXTERNAL_DTD],
    ["a parameter entity", PARAMETER_ENTITY],
  ])("refuses %s with 400 and stores nothing", async (_case, attack) => {
    const response = await send("POST", "/items", attack);
    expect(problem(response, 400)).toContain("DTD");
    expect(response.body).not.toContain("root:");
    const [, total] = await createItemService(app.resources).list({ limit: 1, offset: 0 });
    expect(total).toBe(0);
  });
});
