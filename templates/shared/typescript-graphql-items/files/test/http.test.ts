/** The HTTP around /graphql: problem details for what is not GraphQL, GraphiQL for browsers. */
import { describe, expect, it } from "vitest";

import { useApp } from "./helpers.js";

describe("HTTP", () => {
  const app = useApp();

  it("answers other methods on /graphql with a 405 that names the allowed ones", async () => {
    const response = await app().inject({ method: "PUT", url: "/graphql" });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe("GET, POST");
    expect(response.headers["content-type"]).toContain("application/problem+json");
  });

  it("answers an unknown path with a 404 problem", async () => {
    const response = await app().inject("/nowhere");
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ status: 404, instance: "/nowhere" });
  });

  it("answers a body that is not JSON with a coded error", async () => {
    const response = await app().inject({
      method: "POST",
      url: "/graphql",
      payload: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      data: null,
      errors: [{ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }],
    });
  });

  it("serves GraphiQL", async () => {
    const response = await app().inject("/graphiql");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/html");
  });
});
