{%- set xml = "xml" in cookiecutter.selections.api -%}
{%- set graphql = "graphql" in cookiecutter.selections.api -%}
{%- set grpc = "grpc" in cookiecutter.selections.api -%}
{%- set jsonapi = "jsonapi" in cookiecutter.selections.api -%}
{%- set error_type = "application/problem+xml" if xml else "application/vnd.api+json" if jsonapi else "application/problem+json" -%}
import { expect, it } from "vitest";

import { {% if not (graphql or grpc) %}expectUnavailable, itAcrossOutage, {% endif %}startApp } from "./helpers.js";

it("turns an unexpected error into a 500 problem without leaking its message", async () => {
  const app = await startApp();
  app.get("/boom", () => {
    throw new Error("secret internals");
  });
  const response = await app.inject("/boom");
  await app.close();
  expect(response.statusCode).toBe(500);
  expect(response.headers["content-type"]).toContain("{{ error_type }}");
  expect(response.body).not.toContain("secret internals");
});

it("answers a method a path does not serve with a 405 naming the allowed ones", async () => {
  const app = await startApp();
  const response = await app.inject({ method: "DELETE", url: "/healthz" });
  await app.close();
  expect(response.statusCode).toBe(405);
  expect(response.headers.allow).toBe("GET");
});

it("answers an unknown path with a 404 problem", async () => {
  const app = await startApp();
  const response = await app.inject("/nowhere");
  await app.close();
  expect(response.statusCode).toBe(404);
  expect(response.body).toContain("/nowhere");
});

{%- if graphql %}
it("passes a database failure on as INTERNAL_SERVER_ERROR without its detail, not as a conflict", async () => {
  const app = await startApp();
  await app.resources.database.close();
  const query = 'mutation { createItem(input: { name: "Lamp" }) { id } }';
  const response = await app.inject({ method: "POST", url: "/graphql", payload: { query } });
  await app.close();
  const body = response.json<{ errors: { message: string; extensions: { code: string } }[] }>();
  expect(body.errors).toEqual([
    expect.objectContaining({
      message: "Internal server error.",
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    }),
  ]);
});
{%- elif not grpc %}
it("passes a database failure on as a 500 problem, not as a conflict", async () => {
  const app = await startApp();
  await app.resources.database.close();
{%- if xml %}
  const response = await app.inject({
    method: "POST",
    url: "/items",
    payload: "<item><name>Lamp</name></item>",
    headers: { "content-type": "application/xml" },
  });
{%- elif jsonapi %}
  const response = await app.inject({
    method: "POST",
    url: "/items",
    payload: { data: { type: "items", attributes: { name: "Lamp" } } },
    headers: { "content-type": "application/vnd.api+json" },
  });
{%- else %}
  const response = await app.inject({ method: "POST", url: "/items", payload: { name: "Lamp" } });
{%- endif %}
  await app.close();
  expect(response.statusCode).toBe(500);
});

itAcrossOutage(
  "answers 503 while the database is down, logged once",
  "database",
  (app) => expectUnavailable(app, "/items"),
  async (app) => {
    await expect
      .poll(async () => (await app.inject("/items")).statusCode, { timeout: 5_000 })
      .toBe(200);
  },
);

it("says in the OpenAPI document that each store route may answer 503", async () => {
  const app = await startApp();
  const document = (await app.inject("/openapi.json")).json<{
    paths: Record<string, Record<string, { responses: Record<string, { headers?: object }> }>>;
  }>();
  await app.close();
  const operations = Object.entries(document.paths)
    .filter(([path]) => path.startsWith("/items"))
    .flatMap(([, methods]) => Object.values(methods));
  expect(operations.length).toBeGreaterThan(0);
  for (const operation of operations) {
    expect(operation.responses["503"]?.headers).toHaveProperty("Retry-After");
  }
});
{%- endif %}
