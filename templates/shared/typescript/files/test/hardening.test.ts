import { describe, expect, it } from "vitest";

import { SECURITY_HEADERS, buildApp } from "../src/app.js";
import { testConfig, useApp } from "./helpers.js";

const LIMIT = 1024;

describe("HTTP hardening", () => {
  const app = useApp();

  it("puts the security headers on every answer, and names no server", async () => {
    for (const url of ["/healthz", "/no-such-path"]) {
      const response = await app().inject(url);
      expect(response.headers).toMatchObject(
        Object.fromEntries(
          Object.entries(SECURITY_HEADERS).map(([name, value]) => [name.toLowerCase(), value]),
        ),
      );
      expect(response.headers).not.toHaveProperty("server");
    }
  });

  it("lets the docs page load its scripts", async () => {
    const response = await app().inject("/docs");
    expect(response.statusCode).toBe(200);
    expect(response.headers).not.toHaveProperty("content-security-policy");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
  });
});

describe("the body limit", () => {
  it("refuses a larger body with 413 in the API's error format", async () => {
    const app = await buildApp(testConfig({ maxBodyBytes: LIMIT }));
    // A route of the test's own, so the limit is shown whatever the API type parses.
    await app.register((scope, _options, registered) => {
      scope.addContentTypeParser("application/x-test", { parseAs: "string" }, (_, body, done) => {
        done(null, body);
      });
      scope.post("/echo", (request, reply) => reply.send({ size: String(request.body).length }));
      registered();
    });
    try {
      const errorFormat = (await app.inject("/no-such-path")).headers["content-type"];
      const post = (size: number) =>
        app.inject({
          method: "POST",
          url: "/echo",
          headers: { "content-type": "application/x-test" },
          payload: "x".repeat(size),
        });
      const within = await post(LIMIT);
      expect(within.statusCode).toBe(200);
      expect(within.json()).toEqual({ size: LIMIT });
      const over = await post(LIMIT + 1);
      expect(over.statusCode).toBe(413);
      expect(over.headers["content-type"]).toBe(errorFormat);
    } finally {
      await app.close();
    }
  });
});

describe("the docs in production", () => {
  it.each([
    [false, 404],
    [true, 200],
  ])("API docs %s: /openapi.json answers %i", async (apiDocs, status) => {
    const app = await buildApp(testConfig({ environment: "production", apiDocs }));
    try {
      expect((await app.inject("/openapi.json")).statusCode).toBe(status);
      expect((await app.inject("/docs")).statusCode).toBe(status);
    } finally {
      await app.close();
    }
  });
});
