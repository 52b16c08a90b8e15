/** The MongoDB specifics, over the wire against the server at DATABASE_URL. */
import { expect, it } from "vitest";

import { isUniqueViolation } from "../src/db/client.js";
import { ItemRepository } from "../src/repositories/items.js";
import { useApp } from "./helpers.js";

const app = useApp();

it("creates the unique name index", async () => {
  const indexes = await app().resources.database.db.collection("items").indexes();
  expect(indexes).toContainEqual(expect.objectContaining({ key: { name: 1 }, unique: true }));
});

it("keeps both of two concurrent updates to one item", async () => {
  const items = new ItemRepository(app().resources.database.db);
  const { id } = await items.add({ name: "contended" });
  await Promise.all([
    items.update(id, { description: "first" }),
    items.update(id, { name: "contended, renamed" }),
  ]);
  expect(await items.get(id)).toMatchObject({ name: "contended, renamed", description: "first" });
});

it("hands out increasing integer ids", async () => {
  const items = new ItemRepository(app().resources.database.db);
  const first = await items.add({ name: "first id" });
  const second = await items.add({ name: "second id" });
  expect(Number.isInteger(first.id)).toBe(true);
  expect(second.id).toBeGreaterThan(first.id);
});

it("reports a duplicate name as a unique violation, on insert and on rename", async () => {
  const items = new ItemRepository(app().resources.database.db);
  const kept = await items.add({ name: "taken" });
  const other = await items.add({ name: "free" });
  const insert = await items.add({ name: "taken" }).catch((error: unknown) => error);
  const rename = await items.update(other.id, { name: "taken" }).catch((error: unknown) => error);
  expect(isUniqueViolation(insert)).toBe(true);
  expect(isUniqueViolation(rename)).toBe(true);
  expect(isUniqueViolation(new Error("other"))).toBe(false);
  expect(await items.get(kept.id)).toMatchObject({ name: "taken" });
});

it("matches names literally, whatever regex syntax they hold", async () => {
  const items = new ItemRepository(app().resources.database.db);
  await items.add({ name: "a.c (1)" });
  await items.add({ name: "abc 1" });
  const [found, total] = await items.list({ limit: 10, offset: 0, nameContains: "A.C (" });
  expect(total).toBe(1);
  expect(found.map((item) => item.name)).toEqual(["a.c (1)"]);
});

it("keeps the timestamps it is given, and defaults the rest", async () => {
  const items = new ItemRepository(app().resources.database.db);
  const createdAt = new Date("2024-01-02T03:04:05.678Z");
  const given = await items.add({
    name: "dated",
    description: "d",
    createdAt,
    updatedAt: createdAt,
  });
  const defaulted = await items.add({ name: "undated" });
  expect(await items.get(given.id)).toMatchObject({ createdAt, updatedAt: createdAt });
  expect(defaulted).toMatchObject({ description: null });
  expect(defaulted.createdAt).toBeInstanceOf(Date);
});

it("gives up an update once its attempts are used up", async () => {
  const { db } = app().resources.database;
  const { id } = await new ItemRepository(db).add({ name: "never written" });
  await expect(new ItemRepository(db, 0).update(id, { description: "x" })).rejects.toThrow(
    "kept changing",
  );
});
