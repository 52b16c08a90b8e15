/** /items as JSON:API, end to end: every answer is checked against the official JSON:API schema
 * (test/jsonapi-schema.json) before anything else is asserted. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { startApp } from "./helpers.js";
import { emptyItems } from "./store.js";

const JSONAPI = "application/vnd.api+json";
// The schema is JSON Schema draft-06, which ajv knows through its bundled meta-schema.
const draft6Path = createRequire(import.meta.url).resolve(
  "ajv/dist/refs/json-schema-draft-06.json",
);
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addMetaSchema(JSON.parse(readFileSync(draft6Path, "utf8")) as object);
const validate = ajv.compile(
  JSON.parse(readFileSync(new URL("jsonapi-schema.json", import.meta.url), "utf8")) as object,
);

interface Resource {
  type: string;
  id: string;
  attributes: {
    name?: string;
    description?: string | null;
    createdAt?: string;
    updatedAt?: string;
  };
  relationships?: { parent: { data: { type: string; id: string } | null } };
  links: { self: string };
}
interface Collection {
  data: Resource[];
  included?: Resource[];
  links: { self: string; first: string; last: string; prev?: string; next?: string };
  meta: { total: number };
}
interface ErrorObject {
  status: string;
  title: string;
  detail?: string;
  source?: { pointer?: string; parameter?: string };
}
interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

let app: FastifyInstance;

beforeAll(async () => {
  app = await startApp();
});
beforeEach(async () => {
  await emptyItems(app);
});
afterAll(() => app.close());

/** The answer's document, once it has the status, the JSON:API media type and the schema
 * accepts it. */
function document(response: Answer, status = 200): unknown {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers["content-type"]).toBe(JSONAPI);
  const body: unknown = JSON.parse(response.body);
  expect(validate(body) ? [] : validate.errors).toEqual([]);
  expect(body).toMatchObject({ jsonapi: { version: "1.1" } });
  return body;
}

const resource = (response: Answer, status = 200) =>
  (document(response, status) as { data: Resource }).data;
const collection = (response: Answer) => document(response) as Collection;
const names = (found: Collection) => found.data.map((item) => item.attributes.name);

/** The error objects of an errors document of that status. */
function errors(response: Answer, status: number): ErrorObject[] {
  const found = (document(response, status) as { errors: ErrorObject[] }).errors;
  expect(found.length).toBeGreaterThan(0);
  expect(new Set(found.map((error) => error.status))).toEqual(new Set([String(status)]));
  return found;
}

const created = (attributes: Record<string, unknown>) => ({ data: { type: "items", attributes } });

function send(method: "POST" | "PATCH", url: string, payload: unknown, contentType = JSONAPI) {
  return app.inject({
    method,
    url,
    payload: JSON.stringify(payload),
    headers: { "content-type": contentType },
  });
}

/** A relationships object putting an item under `parent` (an item id, or null). */
const under = (parent: string | null) => ({
  parent: { data: parent === null ? null : { type: "items", id: parent } },
});

async function create(name: string, description: string | null = "An example."): Promise<Resource> {
  return resource(await send("POST", "/items", created({ name, description })), 201);
}

describe("/items as JSON:API", () => {
  it("creates, reads, updates and deletes an item", async () => {
    const response = await send(
      "POST",
      "/items",
      created({ name: " Lamp ", description: "Bright" }),
    );
    const item = resource(response, 201);
    expect([item.type, item.attributes.name, item.attributes.description]).toEqual([
      "items",
      "Lamp",
      "Bright",
    ]);
    expect(new Date(item.attributes.createdAt ?? "").toISOString()).toBe(item.attributes.createdAt);
    expect(response.headers.location).toBe(`http://localhost/items/${item.id}`);
    expect(item.links.self).toBe(response.headers.location);

    expect(resource(await app.inject(`/items/${item.id}`))).toEqual(item);

    const change = { data: { type: "items", id: item.id, attributes: { description: null } } };
    const changed = resource(await send("PATCH", `/items/${item.id}`, change));
    expect([changed.attributes.name, changed.attributes.description]).toEqual(["Lamp", null]);

    const deleted = await app.inject({ method: "DELETE", url: `/items/${item.id}` });
    expect([deleted.statusCode, deleted.body]).toEqual([204, ""]);
    const [missing] = errors(await app.inject(`/items/${item.id}`), 404);
    expect(missing?.detail).toBe(`Item ${item.id} does not exist.`);
  });

  it("answers a taken name with a 409", async () => {
    await create("Lamp");
    const table = await create("Table");
    errors(await send("POST", "/items", created({ name: "Lamp" })), 409);
    const rename = { data: { type: "items", id: table.id, attributes: { name: "Lamp" } } };
    errors(await send("PATCH", `/items/${table.id}`, rename), 409);
  });

  it.each([
    [{}, "/data/attributes/name"],
    [{ name: "" }, "/data/attributes/name"],
    [{ name: "x".repeat(101) }, "/data/attributes/name"],
    [{ name: "ok", description: "d".repeat(1001) }, "/data/attributes/description"],
    [{ name: "a\u0000b" }, "/data/attributes/name"],
    [{ name: false }, "/data/attributes/name"],
    // Members the resource does not have are refused, never silently dropped: a client library
    // sending the relationship as an attribute must learn it was not taken.
    [{ name: "ok", bogus: 1 }, "/data/attributes/bogus"],
    [{ name: "ok", parent: { data: null } }, "/data/attributes/parent"],
  ])("answers invalid attributes %j with a 422 pointing at %s", async (attributes, pointer) => {
    const found = errors(await send("POST", "/items", created(attributes)), 422);
    expect(found.map((error) => error.source)).toContainEqual({ pointer });
  });

  it("answers unknown members of a change with a 422 pointing at them", async () => {
    const item = await create("Lamp");
    const changes: [Record<string, unknown>, string][] = [
      [{ attributes: { colour: "red" } }, "/data/attributes/colour"],
      [{ relationships: { owner: { data: null } } }, "/data/relationships/owner"],
    ];
    for (const [members, pointer] of changes) {
      const change = { data: { type: "items", id: item.id, ...members } };
      const found = errors(await send("PATCH", `/items/${item.id}`, change), 422);
      expect(found.map((error) => error.source)).toContainEqual({ pointer });
    }
  });

  it("answers a document without data with a 422", async () => {
    const [error] = errors(await send("POST", "/items", { name: "Lamp" }), 422);
    expect(error?.source).toEqual({ pointer: "/data" });
  });

  it("answers a body that is not JSON with a 400", async () => {
    const headers = { "content-type": JSONAPI };
    errors(await app.inject({ method: "POST", url: "/items", payload: "{", headers }), 400);
  });

  it("answers a resource of another type, or another id, with a 409", async () => {
    const item = await create("Lamp");
    const person = { data: { type: "people", attributes: { name: "Ann" } } };
    errors(await send("POST", "/items", person), 409);
    const other = { data: { type: "items", id: `${item.id}0`, attributes: {} } };
    errors(await send("PATCH", `/items/${item.id}`, other), 409);
  });

  it("refuses a client-generated id with a 403", async () => {
    const body = { data: { type: "items", id: "7", attributes: { name: "Lamp" } } };
    errors(await send("POST", "/items", body), 403);
  });

  it("changes nothing on a PATCH without attributes", async () => {
    const item = await create("Chair", "Oak");
    const body = { data: { type: "items", id: item.id } };
    const { name, description } = resource(
      await send("PATCH", `/items/${item.id}`, body),
    ).attributes;
    expect([name, description]).toEqual(["Chair", "Oak"]);
  });

  it.each([
    "application/json",
    `${JSONAPI}; charset=utf-8`,
    `${JSONAPI}; ext="https://x.test/ext"`,
  ])("answers a body sent as %s with a 415", async (contentType) => {
    errors(await send("POST", "/items", created({ name: "Lamp" }), contentType), 415);
    expect(collection(await app.inject("/items")).meta).toEqual({ total: 0 });
  });

  it("answers a request without a content type with a 415", async () => {
    errors(await app.inject({ method: "POST", url: "/items" }), 415);
  });

  it("takes a profile parameter", async () => {
    const contentType = `${JSONAPI}; profile="https://example.com/profile"`;
    resource(await send("POST", "/items", created({ name: "Lamp" }), contentType), 201);
  });

  it.each([
    [JSONAPI, 200],
    ["*/*", 200],
    [`${JSONAPI}; charset=utf-8, ${JSONAPI}`, 200],
    [`${JSONAPI}; profile="https://example.com/p"`, 200],
    [`${JSONAPI}; charset=utf-8`, 406],
    [`${JSONAPI}; charset=utf-8, */*`, 406], // the spec: every JSON:API instance counts
    ["application/xml", 406],
    [`${JSONAPI}; q=0`, 406],
    [`${JSONAPI}; q=x`, 406],
  ])("negotiates Accept: %s -> %i", async (accept, status) => {
    const response = await app.inject({ url: "/items", headers: { accept } });
    if (status === 200) collection(response);
    else errors(response, status);
  });

  it("pages with links and a total", async () => {
    for (let n = 0; n < 5; n++) await create(`page-${String(n)}`);
    const follow = (url: string | undefined) => {
      expect(url).toBeDefined();
      return app.inject(url ?? "");
    };
    const first = collection(await app.inject("/items?page[limit]=2"));
    expect(names(first)).toEqual(["page-0", "page-1"]);
    expect(first.meta).toEqual({ total: 5 });
    expect(first.links.prev).toBeUndefined();
    const second = collection(await follow(first.links.next));
    expect(names(second)).toEqual(["page-2", "page-3"]);
    const last = collection(await follow(second.links.next));
    expect(names(last)).toEqual(["page-4"]);
    expect(last.links.next).toBeUndefined();
    expect(last.links.self).toBe(first.links.last);
    expect(collection(await follow(last.links.first)).data).toEqual(first.data);
    expect(collection(await follow(last.links.prev)).data).toEqual(second.data);
  });

  it("answers an empty collection", async () => {
    const empty = collection(await app.inject("/items"));
    expect([empty.data, empty.meta.total]).toEqual([[], 0]);
    expect(empty.links.last).toBe(empty.links.first);
  });

  it("sorts by the fields asked for", async () => {
    for (const name of ["pear", "apple", "fig"]) await create(name);
    const sorted = async (sort: string) =>
      names(collection(await app.inject(`/items?sort=${sort}`)));
    expect(await sorted("name")).toEqual(["apple", "fig", "pear"]);
    expect(await sorted("-name")).toEqual(["pear", "fig", "apple"]);
    expect(await sorted("-id")).toEqual(["fig", "apple", "pear"]);
    expect(await sorted("createdAt,name")).toEqual(["pear", "apple", "fig"]);
  });

  it("sorts by the date of the last change", async () => {
    const first = await create("first");
    await create("second");
    await new Promise((resolve) => setTimeout(resolve, 10));
    const change = { data: { type: "items", id: first.id, attributes: { description: "new" } } };
    resource(await send("PATCH", `/items/${first.id}`, change));
    expect(names(collection(await app.inject("/items?sort=-updatedAt")))).toEqual([
      "first",
      "second",
    ]);
  });

  it("filters by name, ignoring case", async () => {
    for (const name of ["Red Lamp", "Blue lamp", "Desk"]) await create(name);
    const found = collection(await app.inject("/items?filter[name]=LAMP&sort=name"));
    expect(names(found)).toEqual(["Blue lamp", "Red Lamp"]);
    expect(found.meta).toEqual({ total: 2 });
    expect(found.links.first).toContain("filter%5Bname%5D=LAMP");
  });

  it("returns sparse fieldsets", async () => {
    const item = await create("Lamp", null);
    const onlyName = resource(await app.inject(`/items/${item.id}?fields[items]=name`));
    expect(onlyName.attributes).toEqual({ name: "Lamp" });
    expect(onlyName.relationships).toBeUndefined();
    const two = collection(await app.inject("/items?fields[items]=description,updatedAt"));
    expect(Object.keys(two.data[0]?.attributes ?? {}).sort()).toEqual(["description", "updatedAt"]);
    const none = collection(await app.inject("/items?fields[items]="));
    expect(none.data[0]?.attributes).toEqual({});
  });

  it.each([
    ["/items?sort=colour", "sort"],
    ["/items?sort=name,", "sort"],
    ["/items?fields[items]=colour", "fields[items]"],
    ["/items?page[limit]=0", "page[limit]"],
    ["/items?page[limit]=101", "page[limit]"],
    ["/items?page[offset]=-1", "page[offset]"],
    ["/items?page[number]=2", "page[number]"],
    ["/items?limit=2", "limit"],
    ["/items?include=owner", "include"],
    ["/items/1?include=owner", "include"],
    ["/items/1?include=parent.parent", "include"],
    ["/items/1?sort=name", "sort"],
  ])("answers %s with a 400 naming %s", async (url, parameter) => {
    const found = errors(await app.inject(url), 400);
    expect(found.map((error) => error.source)).toEqual([{ parameter }]);
  });

  it("puts an item under a parent, which include adds", async () => {
    const shelf = await create("Shelf");
    expect(shelf.relationships).toEqual({ parent: { data: null } });
    const body = created({ name: "Book" });
    const book = resource(
      await send("POST", "/items", { data: { ...body.data, relationships: under(shelf.id) } }),
      201,
    );
    expect(book.relationships).toEqual(under(shelf.id));

    const alone = document(await app.inject(`/items/${book.id}`)) as { included?: Resource[] };
    expect(alone.included).toBeUndefined();
    const withParent = document(await app.inject(`/items/${book.id}?include=parent`)) as {
      included?: Resource[];
    };
    expect(withParent.included).toEqual([shelf]);
    // A compound document holds each resource once: the shelf is primary data here already.
    const both = collection(await app.inject("/items?include=parent&sort=id"));
    expect([both.data.map((item) => item.id), both.included]).toEqual([[shelf.id, book.id], []]);
    const books = collection(
      await app.inject("/items?include=parent&filter[name]=book&fields[items]=name,parent"),
    );
    expect(books.data[0]?.relationships).toEqual(book.relationships);
    expect(books.included).toEqual([
      {
        type: "items",
        id: shelf.id,
        attributes: { name: "Shelf" },
        relationships: { parent: { data: null } },
        links: shelf.links,
      },
    ]);
  });

  it("moves an item with PATCH, and null takes it out", async () => {
    const [shelf, box, book] = [await create("Shelf"), await create("Box"), await create("Book")];
    for (const parent of [shelf.id, box.id, null]) {
      const change = { data: { type: "items", id: book.id, relationships: under(parent) } };
      const moved = resource(await send("PATCH", `/items/${book.id}`, change));
      expect(moved.relationships).toEqual(under(parent));
      expect(moved.attributes.name).toBe("Book");
    }
  });

  it.each([
    [{ type: "items", id: "2147483647" }, 404],
    [{ type: "items", id: "x" }, 404],
    [{ type: "items", id: "99999999999" }, 404],
    [{ type: "shelves", id: "1" }, 409],
  ])("refuses a parent %j with a %i", async (parent, status) => {
    const body = {
      data: { ...created({ name: "Book" }).data, relationships: { parent: { data: parent } } },
    };
    errors(await send("POST", "/items", body), status);
    expect(collection(await app.inject("/items")).meta.total).toBe(0);
  });

  it("answers a relationship that is null with a 422", async () => {
    const body = { data: { ...created({ name: "Book" }).data, relationships: { parent: null } } };
    const [error] = errors(await send("POST", "/items", body), 422);
    expect(error?.source).toEqual({ pointer: "/data/relationships/parent" });
  });

  it("never puts an item under itself or below it", async () => {
    const shelf = await create("Shelf");
    const body = { data: { ...created({ name: "Book" }).data, relationships: under(shelf.id) } };
    const book = resource(await send("POST", "/items", body), 201);
    for (const parent of [shelf.id, book.id]) {
      const change = { data: { type: "items", id: shelf.id, relationships: under(parent) } };
      const [error] = errors(await send("PATCH", `/items/${shelf.id}`, change), 409);
      expect(error?.detail).toContain(`Item ${shelf.id} cannot sit under item ${parent}`);
    }
  });

  it("keeps a parent while items sit under it", async () => {
    const shelf = await create("Shelf");
    const body = { data: { ...created({ name: "Book" }).data, relationships: under(shelf.id) } };
    const book = resource(await send("POST", "/items", body), 201);
    const [error] = errors(await app.inject({ method: "DELETE", url: `/items/${shelf.id}` }), 409);
    expect(error?.detail).toBe(`Item ${shelf.id} has items under it; move or delete them first.`);
    expect((await app.inject({ method: "DELETE", url: `/items/${book.id}` })).statusCode).toBe(204);
    expect((await app.inject({ method: "DELETE", url: `/items/${shelf.id}` })).statusCode).toBe(
      204,
    );
  });

  it.each([
    ["GET", "/items/2147483648"],
    ["DELETE", "/items/0"],
    ["GET", "/items/x"],
  ] as const)("refuses %s %s with a 422", async (method, url) => {
    errors(await app.inject({ method, url }), 422);
  });

  it("answers unknown routes and methods", async () => {
    errors(await app.inject("/nothing-here"), 404);
    const put = await app.inject({ method: "PUT", url: "/items" });
    errors(put, 405);
    expect(put.headers.allow).toBe("GET, POST");
  });

  it("documents the media type in the OpenAPI document", async () => {
    interface Operation {
      requestBody?: { content: Record<string, unknown> };
      responses: Record<string, { content?: Record<string, unknown> }>;
      parameters?: { name: string }[];
    }
    const spec = (await app.inject("/openapi.json")).json<{
      paths: Record<string, Record<string, Operation>>;
    }>();
    const collectionPath = spec.paths["/items"] ?? {};
    const create = collectionPath.post;
    expect(Object.keys(create?.requestBody?.content ?? {})).toEqual([JSONAPI]);
    expect(Object.keys(create?.responses["201"]?.content ?? {})).toEqual([JSONAPI]);
    expect(Object.keys(create?.responses["409"]?.content ?? {})).toEqual([JSONAPI]);
    const parameters = (collectionPath.get?.parameters ?? []).map((p) => p.name).sort();
    expect(parameters).toEqual([
      "fields[items]",
      "filter[name]",
      "include",
      "page[limit]",
      "page[offset]",
      "sort",
    ]);
  });
});
