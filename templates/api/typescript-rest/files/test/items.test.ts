import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { startApp } from "./helpers.js";
import { emptyItems } from "./store.js";

let app: FastifyInstance;

beforeAll(async () => {
  app = await startApp();
});
beforeEach(async () => {
  await emptyItems(app);
});
afterAll(() => app.close());

async function create(name: string, description?: string) {
  const response = await app.inject({
    method: "POST",
    url: "/items",
    payload: { name, description },
  });
  expect(response.statusCode).toBe(201);
  return response.json<{ id: number; name: string; description: string | null }>();
}

describe("/items", () => {
  it("creates, reads, updates and deletes an item", async () => {
    const created = await app.inject({
      method: "POST",
      url: "/items",
      payload: { name: "  Lamp ", description: "Bright" },
    });
    expect(created.statusCode).toBe(201);
    const item = created.json<{ id: number; created_at: string; updated_at: string }>();
    expect(item).toMatchObject({ name: "Lamp", description: "Bright" });
    expect(created.headers.location).toBe(`http://localhost/items/${String(item.id)}`);
    expect(new Date(item.created_at).toISOString()).toBe(item.created_at);

    const read = await app.inject(`/items/${String(item.id)}`);
    expect(read.json()).toEqual(item);

    const updated = await app.inject({
      method: "PATCH",
      url: `/items/${String(item.id)}`,
      payload: { description: null },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ name: "Lamp", description: null });

    const renamed = await app.inject({
      method: "PATCH",
      url: `/items/${String(item.id)}`,
      payload: { name: "Desk lamp" },
    });
    expect(renamed.json()).toMatchObject({ name: "Desk lamp", description: null });

    const deleted = await app.inject({ method: "DELETE", url: `/items/${String(item.id)}` });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe("");
    const gone = await app.inject(`/items/${String(item.id)}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.headers["content-type"]).toContain("application/problem+json");
    expect(gone.json()).toMatchObject({
      status: 404,
      title: "Not Found",
      instance: `/items/${String(item.id)}`,
    });
  });

  it("puts items under a parent that exists, and keeps a parent while items sit under it", async () => {
    const shelf = await create("Shelf");
    const send = (method: "POST" | "PATCH", url: string, payload: object) =>
      app.inject({ method, url, payload });
    const book = await send("POST", "/items", { name: "Book", parent_id: shelf.id });
    expect([book.statusCode, book.json<{ parent_id: number }>().parent_id]).toEqual([
      201,
      shelf.id,
    ]);
    const missing = await send("POST", "/items", { name: "Pen", parent_id: 999999 });
    expect([missing.statusCode, missing.json<{ detail: string }>().detail]).toEqual([
      409,
      "Item 999999 does not exist, so it cannot be a parent.",
    ]);
    const bookId = book.json<{ id: number }>().id;
    const below = await send("PATCH", `/items/${String(shelf.id)}`, { parent_id: bookId });
    expect(below.statusCode).toBe(409);
    const inUse = await app.inject({ method: "DELETE", url: `/items/${String(shelf.id)}` });
    expect(inUse.statusCode).toBe(409);
    expect(inUse.headers["content-type"]).toContain("application/problem+json");
    const takenOut = await send("PATCH", `/items/${String(bookId)}`, { parent_id: null });
    expect(takenOut.json<{ parent_id: number | null }>().parent_id).toBeNull();
    const deleted = await app.inject({ method: "DELETE", url: `/items/${String(shelf.id)}` });
    expect(deleted.statusCode).toBe(204);
  });

  it("pages through the items with links", async () => {
    for (const name of ["a", "b", "c", "d", "e"]) await create(name);
    const first = await app.inject("/items?limit=2");
    const page = first.json<{
      items: { name: string }[];
      total: number;
      links: Record<string, string>;
    }>();
    expect(page.items.map((i) => i.name)).toEqual(["a", "b"]);
    expect(page.total).toBe(5);
    expect(page.links.prev).toBeUndefined();
    const next = new URL(page.links.next ?? "");
    expect(next.searchParams.get("offset")).toBe("2");

    const last = await app.inject("/items?limit=2&offset=4");
    const lastPage = last.json<{ items: { name: string }[]; links: Record<string, string> }>();
    expect(lastPage.items.map((i) => i.name)).toEqual(["e"]);
    expect(lastPage.links.next).toBeUndefined();
    expect(new URL(lastPage.links.prev ?? "").searchParams.get("offset")).toBe("2");
  });

  it("filters by a case-insensitive substring of the name, wildcards taken literally", async () => {
    await create("Desk Lamp");
    await create("Chair");
    await create("100% wool");
    await create("100 wool");
    const lamps = await app.inject("/items?name=lamp");
    expect(lamps.json<{ items: { name: string }[] }>().items.map((i) => i.name)).toEqual([
      "Desk Lamp",
    ]);
    const percent = await app.inject(`/items?name=${encodeURIComponent("0%")}`);
    expect(percent.json<{ total: number }>().total).toBe(1);
  });

  it("refuses a duplicate name with 409, on create and on rename", async () => {
    await create("Lamp");
    const chair = await create("Chair");
    const again = await app.inject({ method: "POST", url: "/items", payload: { name: "Lamp" } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ status: 409, title: "Conflict" });
    const rename = await app.inject({
      method: "PATCH",
      url: `/items/${String(chair.id)}`,
      payload: { name: "Lamp" },
    });
    expect(rename.statusCode).toBe(409);
  });

  it("answers 404 for a missing item on every method", async () => {
    const responses = [
      await app.inject("/items/999999"),
      await app.inject({ method: "PATCH", url: "/items/999999", payload: {} }),
      await app.inject({ method: "DELETE", url: "/items/999999" }),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([404, 404, 404]);
  });

  it("rejects invalid input with 422 and says where", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/items",
      payload: { name: "", extra: 1 },
    });
    expect(response.statusCode).toBe(422);
    expect(response.headers["content-type"]).toContain("application/problem+json");
    const problem = response.json<{ errors: { location: string; message: string }[] }>();
    expect(problem.errors.length).toBeGreaterThan(0);
    expect(problem.errors[0]?.location).toMatch(/^body/);
    const badQuery = await app.inject("/items?limit=1000");
    expect(badQuery.statusCode).toBe(422);
  });

  it("answers ids and offsets out of the database's range with 422, not 500", async () => {
    const responses = [
      await app.inject("/items/2147483648"),
      await app.inject({ method: "PATCH", url: "/items/99999999999", payload: {} }),
      await app.inject({ method: "DELETE", url: "/items/0" }),
      await app.inject("/items?offset=19210595294587883520"),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([422, 422, 422, 422]);
  });

  it("refuses NUL characters, which PostgreSQL cannot store", async () => {
    const bodies = [{ name: "a\u0000b" }, { name: "Lamp", description: "\u0000" }];
    for (const payload of bodies) {
      const response = await app.inject({ method: "POST", url: "/items", payload });
      expect(response.statusCode).toBe(422);
    }
  });

  it("answers malformed JSON with a 400 problem", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/items",
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers["content-type"]).toContain("application/problem+json");
  });
});

describe("the API surface", () => {
  it("publishes an OpenAPI 3.1 document describing /items", async () => {
    const response = await app.inject("/openapi.json");
    const document = response.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/items", "/items/{id}"]));
  });

  it("serves the docs UI", async () => {
    const response = await app.inject("/docs/");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/html");
  });

  it("answers an unknown route with a 404 problem", async () => {
    const response = await app.inject("/nowhere");
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ status: 404, instance: "/nowhere" });
  });

  it("answers a method a path does not serve with 405 and the Allow header", async () => {
    const responses = [
      await app.inject({ method: "PUT", url: "/items" }),
      await app.inject({ method: "OPTIONS", url: "/items/1" }),
    ];
    expect(responses.map((r) => [r.statusCode, r.headers.allow])).toEqual([
      [405, "GET, POST"],
      [405, "DELETE, GET, PATCH"],
    ]);
    expect(responses[0]?.headers["content-type"]).toContain("application/problem+json");
  });

  it("takes JSON types as sent: false or 7 is not a name", async () => {
    for (const name of [false, 7]) {
      const response = await app.inject({ method: "POST", url: "/items", payload: { name } });
      expect(response.statusCode).toBe(422);
    }
  });

  it("documents error responses as application/problem+json", async () => {
    const document = (await app.inject("/openapi.json")).json<{
      paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>>;
    }>();
    const responses = document.paths["/items/{id}"]?.patch?.responses ?? {};
    for (const status of ["400", "404", "409", "415", "422"]) {
      expect(Object.keys(responses[status]?.content ?? {})).toEqual(["application/problem+json"]);
    }
  });
});
