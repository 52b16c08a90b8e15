/** src/outage.ts on its own, with stand-in resources: which errors are a store's outage, how an
 * outage is answered and how it is logged (each store's own errors are tested across a real
 * outage, beside its readiness test). */
import Fastify from "fastify";
import { describe, expect, it } from "vitest";

import { buildApp } from "../src/app.js";
import { Outages, causes, unreachable } from "../src/outage.js";
import { NotFoundError, UnavailableError } from "../src/problems.js";
import type { Resource } from "../src/resources.js";
import type { ItemService, ItemView } from "../src/schemas/items.js";
import { UNAVAILABLE, captureLog, expectUnavailable, testConfig } from "./helpers.js";

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}

describe("unreachable", () => {
  it("finds a network failure behind the errors that wrap it", () => {
    const driver = new Error("driver", { cause: networkError("ECONNREFUSED") });
    expect(unreachable(new Error("query failed", { cause: driver }))).toBe(true);
  });

  it("finds one among the addresses of a host that were tried, and behind them", () => {
    const tried = new AggregateError([new Error("IPv6"), networkError("ETIMEDOUT")]);
    expect(unreachable(tried)).toBe(true);
    const behind = new Error("IPv4", { cause: networkError("EHOSTUNREACH") });
    expect(unreachable(new AggregateError([new Error("IPv6"), behind]))).toBe(true);
  });

  it("takes a driver's own words for it", () => {
    const lost = new Error("Connection terminated unexpectedly");
    expect(unreachable(lost)).toBe(false);
    expect(unreachable(lost, (cause) => cause.message.startsWith("Connection terminated"))).toBe(
      true,
    );
  });

  it("is not fooled by other failures, values that are not errors or causes that loop", () => {
    const looping = new Error("looping");
    looping.cause = looping;
    expect(unreachable(looping)).toBe(false);
    expect(unreachable(new Error("duplicate key", { cause: { code: "ECONNREFUSED" } }))).toBe(
      false,
    );
    expect(causes("ECONNREFUSED")).toEqual([]);
  });
});

/** A resource that is away until `up` is set, recognising "<name> is away" as its outage. */
function standIn(name: string): Resource & { up: boolean; pings: number } {
  return {
    name,
    up: false,
    pings: 0,
    ping() {
      this.pings += 1;
      return this.up ? Promise.resolve() : Promise.reject(new Error(`${name} is away`));
    },
    isOutage: (error) => error instanceof Error && error.message === `${name} is away`,
    close: () => Promise.resolve(),
  };
}

function outagesOf(...resources: Resource[]) {
  const log = captureLog();
  const logger = Fastify({ logger: { level: "info", stream: log.stream } }).log;
  return { outages: new Outages(resources, logger), lines: log.lines };
}

describe("Outages", () => {
  it("turns a resource's outage into UnavailableError, and leaves other errors be", () => {
    const cache = standIn("cache");
    const { outages } = outagesOf(standIn("database"), cache);
    const away = new Error("cache is away");
    const unavailable = outages.classify(away);
    expect(unavailable).toBeInstanceOf(UnavailableError);
    expect(unavailable).toMatchObject({ status: 503, message: UNAVAILABLE, cause: away });
    const missing = new NotFoundError("Item 1 does not exist.");
    expect(outages.classify(missing)).toBe(missing);
    const other = new Error("something else");
    expect(outages.classify(other)).toBe(other);
  });

  it("logs an outage as it begins and as it ends, once each", () => {
    const cache = standIn("cache");
    const { outages, lines } = outagesOf(cache);
    outages.classify(new Error("cache is away"));
    outages.classify(new Error("cache is away"));
    outages.failed(cache, new Error("cache is away"));
    outages.recovered(cache);
    outages.recovered(cache);
    expect(
      lines.map(({ level, msg, resource, error }) => ({ level, msg, resource, error })),
    ).toEqual([
      { level: 40, msg: "store unavailable", resource: "cache", error: "Error: cache is away" },
      { level: 30, msg: "store available again", resource: "cache", error: undefined },
    ]);
  });

  it("checks a resource that was down again after a request succeeds, one check at a time", async () => {
    const cache = standIn("cache");
    const { outages, lines } = outagesOf(cache);
    outages.recheck();
    expect(cache.pings).toBe(0);
    outages.failed(cache, new Error("cache is away"));
    outages.recheck();
    outages.recheck();
    expect(cache.pings).toBe(1);
    cache.up = true;
    await expect
      .poll(() => {
        outages.recheck();
        return lines.at(-1)?.msg;
      })
      .toBe("store available again");
  });

  it("guards the item use cases, and sees the end of an outage in their success", async () => {
    const database = standIn("database");
    const { outages, lines } = outagesOf(database);
    const item: ItemView = {
      id: 1,
      name: "Lamp",
      description: null,
      parentId: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    const away = () => Promise.reject(new Error("database is away"));
    const service = outages.guard({
      list: away,
      get: () => Promise.resolve(item),
      create: away,
      update: away,
      delete: away,
    } satisfies ItemService);
    for (const call of [
      service.list({ limit: 1, offset: 0 }),
      service.create({ name: "Lamp", description: null }),
      service.update(1, { name: "Desk" }),
      service.delete(1),
    ]) {
      await expect(call).rejects.toBeInstanceOf(UnavailableError);
    }
    database.up = true;
    await expect(service.get(1)).resolves.toBe(item);
    await expect.poll(() => lines.at(-1)?.msg).toBe("store available again");
  });
});

describe("an UnavailableError", () => {
  it("is a 503 with Retry-After, in the API's error format", async () => {
    const app = await buildApp(testConfig());
    app.get("/unavailable", () => {
      throw new UnavailableError();
    });
    try {
      await expectUnavailable(app, "/unavailable");
    } finally {
      await app.close();
    }
  });
});
