import { describe, expect, it } from "vitest";

import { checks, itReadyAcrossOutage, startApp, useApp } from "./helpers.js";

describe("health", () => {
  const app = useApp();

  it("is alive without touching the database", async () => {
    const response = await app().inject("/healthz");
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok" });
  });

  it("is ready when every store answers", async () => {
    const response = await app().inject("/readyz");
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: "ok", checks: checks(app()) });
  });
});

describe("readiness", () => {
  itReadyAcrossOutage("database");

  it("is not ready once the database connection is gone", async () => {
    const app = await startApp();
    await app.resources.database.close();
    const response = await app.inject("/readyz");
    await app.close();
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: "unavailable", checks: checks(app, "database") });
  });
});
