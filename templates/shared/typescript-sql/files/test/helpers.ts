/** Apps for tests, against a real database: DATABASE_URL when set, else {% if cookiecutter.data.database_server %}the development database{% else %}a throwaway SQLite file{% endif %}. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll } from "vitest";

import { buildApp } from "../src/app.js";
{% if cookiecutter.data.database_server %}import { SETTINGS, type Config } from "../src/config.js";{% else %}import type { Config } from "../src/config.js";{% endif %}
import { items } from "../src/db/schema.js";

export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), "app-test-"));
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    environment: "test",
    logLevel: "silent",
    host: "127.0.0.1",
    port: 0,
    {%- if cookiecutter.data.database_server %}
    databaseUrl: process.env.DATABASE_URL ?? SETTINGS.databaseUrl.developmentDefault,
{%- else %}
    databaseUrl: process.env.DATABASE_URL ?? `file:${join(scratchDir(), "test.db")}`,
{%- endif %}
    ...overrides,
  };
}

/** A migrated app with empty tables. */
export async function startApp(config: Config = testConfig()): Promise<FastifyInstance> {
  const app = await buildApp(config);
  await app.resources.database.migrate();
  await app.resources.database.db.delete(items);
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
