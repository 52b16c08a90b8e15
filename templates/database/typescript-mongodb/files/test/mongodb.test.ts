/** The MongoDB specifics (test/repository.test.ts has the rest), against DATABASE_URL. */
import type { FastifyInstance } from "fastify";
import { expect, it } from "vitest";

import { buildApp } from "../src/app.js";
import { testConfig, useApp } from "./helpers.js";

const app = useApp();

async function hasUniqueNameIndex(app: FastifyInstance): Promise<boolean> {
  const items = app.resources.database.db.collection("items");
  return (await items.indexes()).some(
    (index) => JSON.stringify(index.key) === JSON.stringify({ name: 1 }) && index.unique === true,
  );
}

it("creates the unique name index", async () => {
  expect(await hasUniqueNameIndex(app())).toBe(true);
});

it("makes the indexes as the app starts", async () => {
  await app().resources.database.db.dropCollection("items");
  expect(await hasUniqueNameIndex(app())).toBe(false);
  const fresh = await buildApp(testConfig());
  try {
    await fresh.ready();
    expect(await hasUniqueNameIndex(fresh)).toBe(true);
  } finally {
    await fresh.close();
  }
});

it("starts while MongoDB is down, and is not ready", async () => {
  const down = await buildApp(testConfig({ databaseUrl: "mongodb://127.0.0.1:1/app" }));
  try {
    const response = await down.inject("/readyz");
    expect(response.statusCode).toBe(503);
  } finally {
    await down.close();
  }
});
