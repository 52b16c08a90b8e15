import { describe, expect, it } from "vitest";

import { buildApp } from "../src/app.js";
import { checks, startApp, testConfig, useApp } from "./helpers.js";
import { acrossOutage } from "./tcp-proxy.js";

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

const DEFAULT_PORTS: Record<string, string> = {
  "postgresql:": "5432",
  "mysql:": "3306",
  "mongodb:": "27017",
};

describe("readiness", () => {
  it("follows the database down and back up, with no restart", async (context) => {
    const config = testConfig();
    const { protocol } = new URL(config.databaseUrl);
    if (protocol === "file:") {
      context.skip("SQLite is a file inside the app: there is no server to stop");
    }
    await acrossOutage(
      config.databaseUrl,
      DEFAULT_PORTS[protocol] ?? "",
      (url) => buildApp({ ...config, databaseUrl: url }),
      async (app) => {
        const response = await app.inject("/readyz");
        expect(response.statusCode).toBe(503);
        expect(response.json()).toEqual({
          status: "unavailable",
          checks: checks(app, "database"),
        });
      },
      async (app) => {
        const response = await app.inject("/readyz");
        expect(response.statusCode).toBe(200);
        expect(response.json()).toEqual({ status: "ok", checks: checks(app) });
      },
    );
  });

  it("is not ready once the database connection is gone", async () => {
    const app = await startApp();
    await app.resources.database.close();
    const response = await app.inject("/readyz");
    await app.close();
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: "unavailable", checks: checks(app, "database") });
  });
});
