/** The HTTP around /graphql: coded errors for what is not GraphQL, GraphiQL for browsers. */
import { describe, expect, it } from "vitest";

import { useApp } from "./helpers.js";

describe("HTTP", () => {
  const app = useApp();

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
