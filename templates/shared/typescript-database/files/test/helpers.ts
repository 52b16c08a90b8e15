{%- set started = cookiecutter.data.typescript_vitest.global_setup is defined -%}
/** Apps for tests, against a real database: DATABASE_URL when set, else {% if started %}the server test/global-setup.ts starts{% elif cookiecutter.data.database_server %}the development database{% else %}a throwaway SQLite file{% endif %}. */
{%- if "cachePrefix" in cookiecutter.data.typescript_options %}
import { randomUUID } from "node:crypto";
{%- endif %}
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll{% if started %}, inject{% endif %} } from "vitest";

import { buildApp } from "../src/app.js";
import { loadConfig, type Config } from "../src/config.js";
import { emptyItems } from "./store.js";

export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), "app-test-"));
}

/** The settings of the environment (store URLs, else their development defaults), for tests. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ ...process.env, ENVIRONMENT: "test", LOG_LEVEL: "silent" }),
    host: "127.0.0.1",
    port: 0,
{%- if started %}
    databaseUrl: inject("databaseUrl"),
{%- elif not cookiecutter.data.database_server %}
    databaseUrl: process.env.DATABASE_URL ?? `file:${join(scratchDir(), "test.db")}`,
{%- endif %}
{%- if "cachePrefix" in cookiecutter.data.typescript_options %}
    // A key prefix of this run's own: test runs sharing one Redis never see each other's keys.
    cachePrefix: `test-${randomUUID()}`,
{%- endif %}
    ...overrides,
  };
}

/** What /readyz reports when every store answers, but for the ones named down. */
export function checks(app: FastifyInstance, ...down: string[]): Record<string, string> {
  return Object.fromEntries(
    Object.keys(app.resources).map((name) => [name, down.includes(name) ? "down" : "up"]),
  );
}

/** A migrated app with no items. */
export async function startApp(config: Config = testConfig()): Promise<FastifyInstance> {
  const app = await buildApp(config);
  await app.resources.database.migrate();
  await emptyItems(app);
  return app;
}

/** The migrated app of one test file: started before its tests, closed after them. */
export function useApp(): () => FastifyInstance {
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });
  return () => {
    if (!app) throw new Error("the app is started in beforeAll");
    return app;
  };
}
