/** The item service's rules on parents, against the real database, whichever API type serves
 * them (only REST and JSON:API let a client name a parent). */
import { expect, it } from "vitest";

import { ConflictError, NotFoundError } from "../src/problems.js";
import { ItemRepository } from "../src/repositories/items.js";
import { ItemService } from "../{{ cookiecutter.data.typescript_item_service.path | replace(".ts", ".js") }}";
import { useApp } from "./helpers.js";

const app = useApp();
const service = () => new ItemService(new ItemRepository(app().resources.database.db));

it("puts an item only under a parent that exists, never under itself or below it", async () => {
  const items = service();
  await expect(items.create({ name: "service pen", parentId: 424242 })).rejects.toThrow(
    "Item 424242 does not exist, so it cannot be a parent.",
  );
  const shelf = await items.create({ name: "service shelf" });
  const box = await items.create({ name: "service box", parentId: shelf.id });
  const book = await items.create({ name: "service book", parentId: box.id });
  for (const below of [shelf, box, book]) {
    await expect(items.update(shelf.id, { parentId: below.id })).rejects.toThrow(
      `Item ${String(shelf.id)} cannot sit under item ${String(below.id)}`,
    );
  }
  await expect(items.update(book.id, { parentId: 424242 })).rejects.toBeInstanceOf(ConflictError);
  const moved = await items.update(book.id, { parentId: shelf.id, name: "service novel" });
  expect([moved.parentId, moved.name]).toEqual([shelf.id, "service novel"]);
});

it("keeps a parent while items sit under it", async () => {
  const items = service();
  const shelf = await items.create({ name: "kept shelf" });
  const book = await items.create({ name: "kept book", parentId: shelf.id });
  await expect(items.delete(shelf.id)).rejects.toThrow(
    `Item ${String(shelf.id)} has items under it; move or delete them first.`,
  );
  await items.delete(book.id);
  await items.delete(shelf.id);
  await expect(items.get(shelf.id)).rejects.toBeInstanceOf(NotFoundError);
});
