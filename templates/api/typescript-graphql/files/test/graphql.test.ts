/** The GraphQL API over HTTP: queries, mutations, cursor pages, error codes, request limits. */
import { readFileSync } from "node:fs";

import type { FastifyInstance } from "fastify";
import { beforeEach, describe, expect, it } from "vitest";

import { MAX_ALIASES, MAX_DEPTH, MAX_TOKENS, coded, schemaSdl } from "../src/graphql.js";
import { itAcrossOutage, UNAVAILABLE, useApp } from "./helpers.js";
import { emptyItems } from "./store.js";

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: {
    message: string;
    path?: (string | number)[];
    extensions?: { code?: string; errors?: { field: string }[] };
  }[];
}

interface ItemFields {
  id: number;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

const ITEM_FIELDS = "id name description createdAt updatedAt";
const CREATE = `mutation($input: CreateItemInput!) { createItem(input: $input) { ${ITEM_FIELDS} } }`;
const UPDATE = `mutation($id: Int!, $input: UpdateItemInput!) { updateItem(id: $id, input: $input) { ${ITEM_FIELDS} } }`;
const DELETE = "mutation($id: Int!) { deleteItem(id: $id) }";
const GET = `query($id: Int!) { item(id: $id) { ${ITEM_FIELDS} } }`;
const PAGE = `query($first: Int, $after: String, $name: String) {
  items(first: $first, after: $after, nameContains: $name) {
    totalCount
    edges { cursor node { id name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

const app = useApp();
beforeEach(async () => {
  await emptyItems(app());
});

async function graphql(
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ status: number; body: GraphQLBody }> {
  const response = await app().inject({
    method: "POST",
    url: "/graphql",
    payload: { query, variables },
  });
  expect(response.headers["content-type"]).toMatch(/^application\/json/);
  return { status: response.statusCode, body: response.json<GraphQLBody>() };
}

function codes(body: GraphQLBody): (string | undefined)[] {
  return (body.errors ?? []).map((error) => error.extensions?.code);
}

async function create(name: string, description: string | null = null): Promise<ItemFields> {
  const { body } = await graphql(CREATE, { input: { name, description } });
  expect(body.errors).toBeUndefined();
  return (body.data as { createItem: ItemFields }).createItem;
}

describe("queries and mutations", () => {
  it("creates an item and reads it back", async () => {
    const item = await create("  Lamp ", "Bright.");
    expect(item).toMatchObject({ name: "Lamp", description: "Bright." });
    expect(new Date(item.createdAt).toISOString()).toBe(item.createdAt);
    const { body } = await graphql(GET, { id: item.id });
    expect(body).toEqual({ data: { item } });
  });

  it("answers a taken name with CONFLICT", async () => {
    await create("Lamp");
    const { status, body } = await graphql(CREATE, { input: { name: "Lamp" } });
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(codes(body)).toEqual(["CONFLICT"]);
    expect(body.errors?.[0]?.message).toContain("Lamp");
    expect(body.errors?.[0]?.path).toEqual(["createItem"]);
  });

  it.each([
    [{ name: "" }, "name"],
    [{ name: "   " }, "name"],
    [{ name: "x".repeat(101) }, "name"],
    [{ name: "ok", description: "d".repeat(1001) }, "description"],
    [{ name: "nul\u0000" }, "name"],
  ])("answers invalid input %j with BAD_USER_INPUT naming %s", async (input, field) => {
    const { body } = await graphql(CREATE, { input });
    expect(body.data).toBeNull();
    expect(codes(body)).toEqual(["BAD_USER_INPUT"]);
    expect(body.errors?.[0]?.extensions?.errors?.map((error) => error.field)).toEqual([field]);
  });

  it("answers a missing item with null and NOT_FOUND", async () => {
    const { body } = await graphql(GET, { id: 999_999 });
    expect(body.data).toEqual({ item: null });
    expect(codes(body)).toEqual(["NOT_FOUND"]);
    expect(body.errors?.[0]?.path).toEqual(["item"]);
  });

  it("changes only the fields sent", async () => {
    const item = await create("Lamp", "Old.");
    let { body } = await graphql(UPDATE, { id: item.id, input: { description: "New." } });
    expect(body.data?.updateItem).toMatchObject({ name: "Lamp", description: "New." });
    ({ body } = await graphql(UPDATE, { id: item.id, input: { description: null } }));
    expect(body.data?.updateItem).toMatchObject({ name: "Lamp", description: null });
    ({ body } = await graphql(UPDATE, { id: item.id, input: { name: " Desk lamp " } }));
    expect(body.data?.updateItem).toMatchObject({ name: "Desk lamp", description: null });
  });

  it("refuses a null name", async () => {
    const item = await create("Lamp");
    const { body } = await graphql(UPDATE, { id: item.id, input: { name: null } });
    expect(codes(body)).toEqual(["BAD_USER_INPUT"]);
    const read = await graphql(GET, { id: item.id });
    expect(read.body.data).toEqual({ item });
  });

  it("answers update errors with their codes", async () => {
    await create("Lamp");
    const desk = await create("Desk");
    const taken = await graphql(UPDATE, { id: desk.id, input: { name: "Lamp" } });
    expect(codes(taken.body)).toEqual(["CONFLICT"]);
    const missing = await graphql(UPDATE, { id: 999_999, input: { name: "x" } });
    expect(codes(missing.body)).toEqual(["NOT_FOUND"]);
    const blank = await graphql(UPDATE, { id: desk.id, input: { description: "d".repeat(1001) } });
    expect(codes(blank.body)).toEqual(["BAD_USER_INPUT"]);
  });

  it("deletes an item once, returning its id", async () => {
    const item = await create("Gone");
    expect((await graphql(DELETE, { id: item.id })).body).toEqual({
      data: { deleteItem: item.id },
    });
    expect(codes((await graphql(DELETE, { id: item.id })).body)).toEqual(["NOT_FOUND"]);
    expect(codes((await graphql(GET, { id: item.id })).body)).toEqual(["NOT_FOUND"]);
  });

  it("resolves sibling fields of one query", async () => {
    const item = await create("Lamp");
    const query = `{ one: item(id: ${String(item.id)}) { name } all: items { totalCount } }`;
    expect((await graphql(query)).body).toEqual({
      data: { one: { name: "Lamp" }, all: { totalCount: 1 } },
    });
  });

  it("serves queries over GET, but not mutations", async () => {
    const item = await create("Lamp");
    const query = `{ item(id: ${String(item.id)}) { name } }`;
    const read = await app().inject({ method: "GET", url: "/graphql", query: { query } });
    expect(read.json()).toEqual({ data: { item: { name: "Lamp" } } });
    const mutation = "mutation { deleteItem(id: 1) }";
    const refused = await app().inject({
      method: "GET",
      url: "/graphql",
      query: { query: mutation },
    });
    expect(refused.statusCode).toBe(405);
  });
});

describe("pages", () => {
  it("follows the cursors through every item", async () => {
    const made: number[] = [];
    for (let n = 0; n < 5; n += 1) made.push((await create(`page-${String(n)}`)).id);
    const seen: number[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { body } = await graphql(PAGE, { first: 2, after });
      const connection = body.data?.items as {
        totalCount: number;
        edges: { cursor: string; node: { id: number } }[];
        pageInfo: {
          hasNextPage: boolean;
          hasPreviousPage: boolean;
          startCursor: string;
          endCursor: string;
        };
      };
      expect(connection.totalCount).toBe(5);
      expect(connection.pageInfo.hasPreviousPage).toBe(pages > 0);
      expect(connection.pageInfo.startCursor).toBe(connection.edges[0]?.cursor);
      expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor);
      seen.push(...connection.edges.map((edge) => edge.node.id));
      pages += 1;
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(made);
  });

  it("gives an empty page no cursors", async () => {
    const { body } = await graphql(PAGE, { name: "nothing-matches" });
    expect(body.data?.items).toEqual({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it("filters by name", async () => {
    await create("Desk lamp");
    await create("Chair");
    const { body } = await graphql(PAGE, { name: "LAMP" });
    const names = (body.data?.items as { edges: { node: { name: string } }[] }).edges.map(
      (edge) => edge.node.name,
    );
    expect(names).toEqual(["Desk lamp"]);
  });

  it.each([
    { first: 0 },
    { first: 101 },
    { after: "not-a-cursor" },
    { after: Buffer.from("item:-1").toString("base64url") },
    { name: "x".repeat(101) },
  ])("answers %j with BAD_USER_INPUT", async (variables) => {
    const { body } = await graphql(PAGE, variables);
    expect(body.data).toBeNull();
    expect(codes(body)).toEqual(["BAD_USER_INPUT"]);
  });
});

describe("errors and limits", () => {
  it("answers a query that does not parse with GRAPHQL_PARSE_FAILED", async () => {
    const { status, body } = await graphql("{ items { ");
    expect(status).toBe(200);
    expect(codes(body)).toEqual(["GRAPHQL_PARSE_FAILED"]);
  });

  it("answers an unknown field with GRAPHQL_VALIDATION_FAILED", async () => {
    const { body } = await graphql("{ items { secret } }");
    expect(codes(body)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(body.errors?.[0]?.message).toContain("secret");
  });

  it("refuses queries deeper than the limit", async () => {
    // Depth is counted on the document: a schema that grows a cycle stays protected.
    const nested = `${"a { ".repeat(MAX_DEPTH)}b${" }".repeat(MAX_DEPTH)}`;
    const { body } = await graphql(`{ items { edges { node { ${nested} } } } }`);
    expect(body.errors?.some((error) => error.message.includes("depth limit"))).toBe(true);
    expect(new Set(codes(body))).toEqual(new Set(["GRAPHQL_VALIDATION_FAILED"]));
  });

  it("refuses more aliases than the limit", async () => {
    const aliases = (count: number) =>
      Array.from({ length: count }, (_, n) => `a${String(n)}: items { totalCount }`).join(" ");
    const refused = await graphql(`{ ${aliases(MAX_ALIASES + 1)} }`);
    expect(refused.body.errors?.[0]?.message).toContain("Aliases limit");
    expect(codes(refused.body)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    const allowed = await graphql(`{ ${aliases(MAX_ALIASES)} }`);
    expect(allowed.body.errors).toBeUndefined();
  });

  it("refuses more tokens than the limit", async () => {
    const { body } = await graphql(`{ items { ${"totalCount ".repeat(MAX_TOKENS)}} }`);
    expect(codes(body)).toEqual(["GRAPHQL_PARSE_FAILED"]);
  });

  it("answers a failure of the server without its detail", () => {
    const failure = { message: "password=x", path: ["items"], locations: [{ line: 1, column: 3 }] };
    expect(coded(failure)).toEqual({
      message: "Internal server error.",
      path: ["items"],
      locations: [{ line: 1, column: 3 }],
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
  });
});

describe("schema.graphql", () => {
  it("is the schema the code serves", () => {
    const file = readFileSync(new URL("../schema.graphql", import.meta.url), "utf8");
    expect(file, "schema.graphql is stale: run `npm run schema` and commit it").toBe(schemaSdl());
  });
});

describe("a database outage", () => {
  const count = async (app: FastifyInstance) => {
    const payload = { query: "{ items { totalCount } }" };
    return (await app.inject({ method: "POST", url: "/graphql", payload })).json<GraphQLBody>();
  };
  itAcrossOutage(
    "is an UNAVAILABLE error with retryAfter, logged once",
    "database",
    async (app) => {
      for (const attempt of [1, 2]) {
        expect((await count(app)).errors, `attempt ${String(attempt)}`).toEqual([
          expect.objectContaining({
            message: UNAVAILABLE,
            path: ["items"],
            extensions: { code: "UNAVAILABLE", retryAfter: 5 },
          }),
        ]);
      }
    },
    async (app) => {
      await expect.poll(async () => (await count(app)).errors, { timeout: 5_000 }).toBeUndefined();
    },
  );
});
