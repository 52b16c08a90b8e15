/** The item history in MongoDB, over the wire against MONGODB_URL. */
import { beforeEach, describe, expect, it } from "vitest";

import { buildApp } from "../src/app.js";
import {
  checks,
  expectUnavailable,
  itAcrossOutage,
  itReadyAcrossOutage,
  testConfig,
  useApp,
} from "./helpers.js";

describe("history", () => {
  const app = useApp();
  beforeEach(async () => {
    await app().resources.history.events.deleteMany({});
  });

  async function history(id: number, query = "") {
    const response = await app().inject(`/items/${String(id)}/history${query}`);
    expect(response.statusCode).toBe(200);
    return response.json<{
      items: { action: string; name: string; description: string | null; at: string }[];
      total: number;
      links: { self: string; next?: string; prev?: string };
    }>();
  }

  it("records every change, newest first, and keeps it after a deletion", async () => {
    const created = await app().inject({
      method: "POST",
      url: "/items",
      payload: { name: "Lamp", description: "Bright." },
    });
    const { id } = created.json<{ id: number }>();
    await app().inject({ method: "PATCH", url: `/items/${String(id)}`, payload: { name: "Desk" } });
    await app().inject({ method: "DELETE", url: `/items/${String(id)}` });
    const page = await history(id);
    expect(page.total).toBe(3);
    expect(page.items.map(({ action, name }) => [action, name])).toEqual([
      ["deleted", "Desk"],
      ["updated", "Desk"],
      ["created", "Lamp"],
    ]);
    expect(page.items[2]).toMatchObject({ description: "Bright." });
    expect(Date.parse(page.items[0]?.at ?? "")).toBeGreaterThanOrEqual(
      Date.parse(page.items[2]?.at ?? ""),
    );
  });

  it("pages the history with links", async () => {
    const created = await app().inject({ method: "POST", url: "/items", payload: { name: "a" } });
    const { id } = created.json<{ id: number }>();
    for (const description of ["1", "2"]) {
      await app().inject({
        method: "PATCH",
        url: `/items/${String(id)}`,
        payload: { description },
      });
    }
    const page = await history(id, "?limit=1&offset=1");
    expect(page.total).toBe(3);
    expect(page.items.map((event) => event.description)).toEqual(["1"]);
    expect(page.links.next).toContain("offset=2");
    expect(page.links.prev).toContain("offset=0");
  });

  it("is empty for an item that never changed", async () => {
    expect(await history(424242)).toMatchObject({ items: [], total: 0 });
  });

  it("records nothing for a write that failed", async () => {
    const created = await app().inject({ method: "POST", url: "/items", payload: { name: "b" } });
    const { id } = created.json<{ id: number }>();
    const clash = await app().inject({ method: "POST", url: "/items", payload: { name: "b" } });
    expect(clash.statusCode).toBe(409);
    expect((await history(id)).total).toBe(1);
  });
});

describe("history readiness", () => {
  itReadyAcrossOutage("history");

  it("is not ready once the history connection is gone", async () => {
    const app = await buildApp(testConfig());
    await app.resources.history.close();
    await app.resources.history.close();
    const response = await app.inject("/readyz");
    await app.close();
    expect(response.json()).toEqual({ status: "unavailable", checks: checks(app, "history") });
  });
});

describe("a history outage", () => {
  itAcrossOutage(
    "is a 503 with Retry-After for the history, logged once",
    "history",
    (app) => expectUnavailable(app, "/items/1/history"),
    async (app) => {
      await expect
        .poll(async () => (await app.inject("/items/1/history")).statusCode, { timeout: 5_000 })
        .toBe(200);
    },
  );
});
