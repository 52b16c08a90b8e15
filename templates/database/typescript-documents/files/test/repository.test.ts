/** What every document store's repository must do, over the wire against the real server. */
import { expect, it } from "vitest";

import { isUniqueViolation } from "../src/db/client.js";
import { ItemRepository } from "../src/repositories/items.js";
import { useApp } from "./helpers.js";

const app = useApp();
const repository = (updateAttempts?: number) =>
  new ItemRepository(app().resources.database.db, updateAttempts);

it("hands out increasing integer ids", async () => {
  const items = repository();
  const first = await items.add({ name: "first id" });
  const second = await items.add({ name: "second id" });
  expect(Number.isInteger(first.id)).toBe(true);
  expect(second.id).toBeGreaterThan(first.id);
});

it("keeps both of two concurrent updates to one item", async () => {
  const items = repository();
  const { id } = await items.add({ name: "contended" });
  await Promise.all([
    items.update(id, { description: "first" }),
    items.update(id, { name: "contended, renamed" }),
  ]);
  expect(await items.get(id)).toMatchObject({ name: "contended, renamed", description: "first" });
});

it("gives up an update once its attempts are used up", async () => {
  const { id } = await repository().add({ name: "never written" });
  await expect(repository(0).update(id, { description: "x" })).rejects.toThrow("kept changing");
});

it("reports a duplicate name as a unique violation, on insert and on rename", async () => {
  const items = repository();
  const kept = await items.add({ name: "taken" });
  const other = await items.add({ name: "free" });
  const insert = await items.add({ name: "taken" }).catch((error: unknown) => error);
  const rename = await items.update(other.id, { name: "taken" }).catch((error: unknown) => error);
  expect(isUniqueViolation(insert)).toBe(true);
  expect(isUniqueViolation(rename)).toBe(true);
  expect(isUniqueViolation(new Error("other"))).toBe(false);
  expect(await items.get(kept.id)).toMatchObject({ name: "taken" });
  expect(await items.get(other.id)).toMatchObject({ name: "free" });
});

it("lists in id order, matching names case-insensitively and literally", async () => {
  const items = repository();
  await items.add({ name: "a.c (1)" });
  await items.add({ name: "abc 1" });
  await items.add({ name: "A.C (2)" });
  const [found, total] = await items.list({ limit: 1, offset: 1, nameContains: "a.C (" });
  expect(total).toBe(2);
  expect(found.map((item) => item.name)).toEqual(["A.C (2)"]);
});

it("keeps the timestamps it is given, and defaults the rest", async () => {
  const items = repository();
  const createdAt = new Date("2024-01-02T03:04:05.678Z");
  const updatedAt = new Date("2024-02-03T04:05:06.789Z");
  const given = await items.add({ name: "dated", createdAt, updatedAt: createdAt });
  await items.update(given.id, { updatedAt });
  const defaulted = await items.add({ name: "undated" });
  expect(await items.get(given.id)).toMatchObject({ createdAt, updatedAt });
  expect(defaulted).toMatchObject({ description: null });
  expect(defaulted.createdAt).toBeInstanceOf(Date);
});

it("lists in id order, past id 9 too", async () => {
  const items = repository();
  const added = [];
  for (let n = 0; n < 11; n++) added.push(await items.add({ name: `ordered ${String(n)}` }));
  const [page] = await items.list({ limit: 20, offset: 0, nameContains: "ordered" });
  expect(page.map((item) => item.id)).toEqual(added.map((item) => item.id));
});
