/** Every store's repository keeps an item's parent, and refuses to delete a parent, against the
 * real server. */
import { expect, it } from "vitest";

import { isInUse } from "../src/db/client.js";
import { ItemRepository } from "../src/repositories/items.js";
import { useApp } from "./helpers.js";

const app = useApp();

it("stores a parent, changes it and takes it away", async () => {
  const items = new ItemRepository(app().resources.database.db);
  const shelf = await items.add({ name: "parent shelf" });
  const box = await items.add({ name: "parent box" });
  const book = await items.add({ name: "parent book", parentId: shelf.id });
  expect([shelf.parentId, book.parentId]).toEqual([null, shelf.id]);
  expect((await items.get(book.id))?.parentId).toBe(shelf.id);
  expect((await items.update(book.id, { parentId: box.id }))?.parentId).toBe(box.id);
  expect((await items.update(book.id, { parentId: null }))?.parentId).toBeNull();
  const [rows] = await items.list({ limit: 10, offset: 0, nameContains: "parent " });
  expect(rows.map((row) => row.parentId)).toEqual([null, null, null]);
});

it("refuses to delete a parent while an item sits under it", async () => {
  const items = new ItemRepository(app().resources.database.db);
  const shelf = await items.add({ name: "in use shelf" });
  const book = await items.add({ name: "in use book", parentId: shelf.id });
  const refused = await items.delete(shelf.id).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(isInUse(refused)).toBe(true);
  expect(await items.get(shelf.id)).toBeDefined();
  expect(await items.delete(book.id)).toBe(true);
  expect(await items.delete(shelf.id)).toBe(true);
  expect(await items.get(shelf.id)).toBeUndefined();
});
