{%- set xml = "xml" in cookiecutter.selections.api -%}
import { expect, it } from "vitest";

import { startApp } from "./helpers.js";

it("turns an unexpected error into a 500 problem without leaking its message", async () => {
  const app = await startApp();
  app.get("/boom", () => {
    throw new Error("secret internals");
  });
  const response = await app.inject("/boom");
  await app.close();
  expect(response.statusCode).toBe(500);
  expect(response.headers["content-type"]).toContain("application/problem+{{ "xml" if xml else "json" }}");
  expect(response.body).not.toContain("secret internals");
});

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
{%- else %}
  const response = await app.inject({ method: "POST", url: "/items", payload: { name: "Lamp" } });
{%- endif %}
  await app.close();
  expect(response.statusCode).toBe(500);
});
