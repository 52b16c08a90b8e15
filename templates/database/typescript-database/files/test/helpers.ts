{%- set provided = (cookiecutter.data.typescript_test_databases | list) + cookiecutter.data.typescript_vitest.get("provide", []) -%}
/** Apps for tests, against a real database: {% if provided %}the run's own, from test/global-setup.ts{% else %}DATABASE_URL when set, else a throwaway SQLite file{% endif %}. */
{%- if "cachePrefix" in cookiecutter.data.typescript_options %}
import { randomUUID } from "node:crypto";
{%- endif %}
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, expect{% if provided %}, inject{% endif %}, it } from "vitest";

import { buildApp, type LogStream } from "../src/app.js";
import { loadConfig, type Config } from "../src/config.js";
import { hostApp } from "./host.js";
import { emptyItems } from "./store.js";
import { acrossOutage } from "./tcp-proxy.js";

export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), "app-test-"));
}

/** The settings of the environment (else their development defaults), for tests, with the
 * test run's own database. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ ...process.env, ENVIRONMENT: "test", LOG_LEVEL: "silent" }),
    host: "127.0.0.1",
    port: 0,
{%- for key in provided %}
    {{ key }}: inject("{{ key }}"),
{%- else %}
    databaseUrl: process.env.DATABASE_URL ?? `file:${join(scratchDir(), "test.db")}`,
{%- endfor %}
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

/** A migrated app with no items, that the tests reach as its host does (test/host.ts). */
export async function startApp(config: Config = testConfig()): Promise<FastifyInstance> {
  const app = await buildApp(config);
  await app.resources.database.migrate();
  await emptyItems(app);
  return hostApp(app);
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

/** A line of the app's log (pino's JSON): level 30 is info, 40 warn, 50 error. */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** Where buildApp may write its log (`logStream`), and the lines written there. */
export function captureLog(): { stream: LogStream; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = {
    write(line: string) {
      lines.push(JSON.parse(line) as LogLine);
    },
  };
  return { stream, lines };
}

/** The setting that holds each resource's URL. */
const RESOURCE_URLS = {
{%- for name, resource in cookiecutter.data.typescript_resources.items() %}
  {{ name }}: {{ resource.args[0] | tojson }},
{%- endfor %}
} as const;

const DEFAULT_PORTS: Record<string, string> = {
  "postgresql:": "5432",
  "mysql:": "3306",
  "mongodb:": "27017",
  "redis:": "6379",
};

/** A test across an outage of a resource's server: the app is built while the server is away
 * (its URL pointing at a loopback port nothing listens on, test/tcp-proxy.ts) and `whileDown`
 * runs; the server comes back and `afterwards` runs; the outage must have been logged once each
 * way, with nothing else above info. SQLite is a file inside the app, with no server to take
 * away: the test is skipped. */
export function itAcrossOutage(
  name: string,
  resource: keyof typeof RESOURCE_URLS,
  whileDown: (app: FastifyInstance) => Promise<void>,
  afterwards: (app: FastifyInstance) => Promise<void>,
  overrides: Partial<Config> = {},
): void {
  // Time for the drivers to give up on a server that is away (MongoDB's takes 2 s a request).
  it(name, { timeout: 20_000 }, async (context) => {
    const config = testConfig({ logLevel: "info", ...overrides });
    const setting = RESOURCE_URLS[resource];
    const { protocol } = new URL(config[setting]);
    if (protocol === "file:") {
      context.skip("SQLite is a file inside the app: there is no server to stop");
    }
    const log = captureLog();
    await acrossOutage(
      config[setting],
      DEFAULT_PORTS[protocol] ?? "",
      async (url) => {
        const app = await buildApp({ ...config, [setting]: url }, { logStream: log.stream });
{%- if cookiecutter.data.typescript_resources | length > 1 %}
        // The other stores are up: the database gets its tables (a fresh SQLite file has none).
        if (resource !== "database") await app.resources.database.migrate();
{%- endif %}
        return app;
      },
      whileDown,
      async (app) => {
        await afterwards(app);
        await expectLoggedOnce(log.lines, resource);
      },
    );
  });
}

/** /readyz follows the resource's server down and back up, with no restart. */
export function itReadyAcrossOutage(resource: keyof typeof RESOURCE_URLS): void {
  itAcrossOutage(
    `follows the ${resource} down and back up, with no restart`,
    resource,
    async (app) => {
      const response = await app.inject("/readyz");
      expect(response.statusCode).toBe(503);
      expect(response.json()).toEqual({ status: "unavailable", checks: checks(app, resource) });
    },
    async (app) => {
      // A client may reconnect on its own (Redis's): give it the time its retries need.
      await expect
        .poll(async () => (await app.inject("/readyz")).statusCode, { timeout: 5_000 })
        .toBe(200);
      const response = await app.inject("/readyz");
      expect(response.json()).toEqual({ status: "ok", checks: checks(app) });
    },
  );
}

/** The outage of `resource` was logged as it began (one warning, without a stack trace) and as
 * it ended, once the app saw the resource answer again; nothing else above info. */
async function expectLoggedOnce(lines: LogLine[], resource: string): Promise<void> {
  await expect
    .poll(() => lines.filter((line) => line.msg === "store available again"))
    .toEqual([expect.objectContaining({ level: 30, resource })]);
  const above = lines.filter((line) => line.level > 30);
  expect(above).toEqual([
    expect.objectContaining({ level: 40, msg: "store unavailable", resource }),
  ]);
  expect(above[0]).not.toHaveProperty("err");
}

/** The detail of every answer to a request that met an outage, whatever the API type. */
export const UNAVAILABLE = "A store the service needs is unavailable; retry later.";

/** `url` answers 503 with Retry-After, in the API's error format (a 404's), every time it is
 * asked while a store it needs is away (twice: the second failure is not logged again). */
export async function expectUnavailable(app: FastifyInstance, url: string): Promise<void> {
  const errorFormat = (await app.inject("/no-such-path")).headers["content-type"];
  for (const attempt of [1, 2]) {
    const response = await app.inject(url);
    expect(response.statusCode, `attempt ${String(attempt)}`).toBe(503);
    expect(response.headers["retry-after"]).toBe("5");
    expect(response.headers["content-type"]).toBe(errorFormat);
    expect(response.body).toContain(UNAVAILABLE);
  }
}
