/** The Redis cache, against the real Redis at REDIS_URL (each run under a key prefix of its own). */
import { describe, expect, it } from "vitest";

import { createCache } from "../src/cache.js";
import { itemKey } from "../src/services/cached-items.js";
import {
  expectUnavailable,
  itAcrossOutage,
  itReadyAcrossOutage,
  testConfig,
  useApp,
} from "./helpers.js";
import { setDescription } from "./store.js";

describe("the item cache", () => {
  const app = useApp();

  async function create(name: string, description?: string): Promise<number> {
    const response = await app().inject({
      method: "POST",
      url: "/items",
      payload: { name, description },
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: number }>().id;
  }

  it("serves a read from the cache", async () => {
    const id = await create("Cached");
    const first = await app().inject(`/items/${String(id)}`);
    // Change the row behind the cache's back: only a cache hit still returns the old copy.
    await setDescription(app(), id, "changed behind the cache");
    const second = await app().inject(`/items/${String(id)}`);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect(await app().resources.cache.get(itemKey(id))).not.toBeNull();
  });

  it("drops the cached item on update", async () => {
    const id = await create("Lamp", "old");
    expect((await app().inject(`/items/${String(id)}`)).json()).toMatchObject({
      description: "old",
    });
    const patched = await app().inject({
      method: "PATCH",
      url: `/items/${String(id)}`,
      payload: { description: "new" },
    });
    expect(patched.statusCode).toBe(200);
    expect(await app().resources.cache.get(itemKey(id))).toBeNull();
    expect((await app().inject(`/items/${String(id)}`)).json()).toMatchObject({
      description: "new",
    });
  });

  it("drops the cached item on delete", async () => {
    const id = await create("Desk");
    expect((await app().inject(`/items/${String(id)}`)).statusCode).toBe(200);
    expect((await app().inject({ method: "DELETE", url: `/items/${String(id)}` })).statusCode).toBe(
      204,
    );
    expect((await app().inject(`/items/${String(id)}`)).statusCode).toBe(404);
  });

  it("keeps entries under the prefix, with a time to live", async () => {
    const { redisUrl, cachePrefix } = testConfig();
    const cache = createCache(redisUrl, cachePrefix, 60);
    try {
      await cache.set("probe", "value");
      expect(await cache.client.get(`${cachePrefix}:probe`)).toBe("value");
      const ttl = await cache.client.ttl(cache.key("probe"));
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60);
      await cache.delete("probe");
      expect(await cache.get("probe")).toBeNull();
    } finally {
      await cache.close();
    }
  });
});

describe("readiness", () => {
  itReadyAcrossOutage("cache");
});

describe("a cache outage", () => {
  let url = "";
  itAcrossOutage(
    "is a 503 for the reads that need the cache, logged once",
    "cache",
    async (app) => {
      const payload = { name: "Away" };
      const created = await app.inject({ method: "POST", url: "/items", payload });
      expect(created.statusCode).toBe(201);
      url = `/items/${String(created.json<{ id: number }>().id)}`;
      await expectUnavailable(app, url);
    },
    async (app) => {
      await expect
        .poll(async () => (await app.inject(url)).statusCode, { timeout: 5_000 })
        .toBe(200);
    },
  );
});
