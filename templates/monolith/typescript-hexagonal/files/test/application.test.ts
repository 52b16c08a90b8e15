import { beforeEach, describe, expect, it } from "vitest";

import { ItemUseCases } from "../src/application/items.js";
import {
  DuplicateItemNameError,
  ItemHasChildrenError,
  ItemNotFoundError,
  ItemPlacementError,
} from "../src/domain/items.js";
import { InMemoryItemRepository } from "./fakes.js";

describe("the item use cases, on the in-memory repository", () => {
  let repository: InMemoryItemRepository;
  let useCases: ItemUseCases;
  beforeEach(() => {
    repository = new InMemoryItemRepository();
    useCases = new ItemUseCases(repository);
  });

  it("creates, renames and deletes an item", async () => {
    const lamp = await useCases.create({ name: "Lamp", description: null });
    const renamed = await useCases.update(lamp.id, { name: "Desk lamp" });
    expect(renamed).toMatchObject({ id: lamp.id, name: "Desk lamp" });
    await useCases.delete(lamp.id);
    expect(repository.rows.size).toBe(0);
  });

  it("reports a missing item the same way for every use case", async () => {
    await expect(useCases.get(7)).rejects.toBeInstanceOf(ItemNotFoundError);
    await expect(useCases.update(7, { name: "x" })).rejects.toBeInstanceOf(ItemNotFoundError);
    await expect(useCases.delete(7)).rejects.toBeInstanceOf(ItemNotFoundError);
  });

  it("keeps names unique", async () => {
    await useCases.create({ name: "Lamp", description: null });
    const chair = await useCases.create({ name: "Chair", description: null });
    await expect(useCases.create({ name: "Lamp", description: null })).rejects.toBeInstanceOf(
      DuplicateItemNameError,
    );
    await expect(useCases.update(chair.id, { name: "Lamp" })).rejects.toBeInstanceOf(
      DuplicateItemNameError,
    );
  });

  it("puts items under a parent that exists, and moves them in one update", async () => {
    const shelf = await useCases.create({ name: "Shelf", description: null });
    const box = await useCases.create({ name: "Box", description: null, parentId: shelf.id });
    expect(box.parentId).toBe(shelf.id);
    await expect(
      useCases.create({ name: "Book", description: null, parentId: 99 }),
    ).rejects.toThrow("Item 99 does not exist, so it cannot be a parent.");
    const moved = await useCases.update(box.id, { name: "Crate", parentId: null });
    expect(moved).toMatchObject({ name: "Crate", parentId: null });
  });

  it("never puts an item under itself or anything below it", async () => {
    const shelf = await useCases.create({ name: "Shelf", description: null });
    const box = await useCases.create({ name: "Box", description: null, parentId: shelf.id });
    const book = await useCases.create({ name: "Book", description: null, parentId: box.id });
    for (const below of [shelf, box, book]) {
      await expect(useCases.update(shelf.id, { parentId: below.id })).rejects.toBeInstanceOf(
        ItemPlacementError,
      );
    }
    await expect(useCases.update(book.id, { parentId: 99 })).rejects.toBeInstanceOf(
      ItemPlacementError,
    );
    // A parent gone from under an ancestor (a race a document store allows) ends the walk.
    repository.rows.delete(shelf.id);
    expect((await useCases.update(book.id, { parentId: box.id })).parentId).toBe(box.id);
  });

  it("keeps a parent while items sit under it", async () => {
    const shelf = await useCases.create({ name: "Shelf", description: null });
    const book = await useCases.create({ name: "Book", description: null, parentId: shelf.id });
    await expect(useCases.delete(shelf.id)).rejects.toBeInstanceOf(ItemHasChildrenError);
    await useCases.delete(book.id);
    await useCases.delete(shelf.id);
    expect(repository.rows.size).toBe(0);
  });

  it("lists a filtered page and the total", async () => {
    for (const name of ["Lamp", "Desk lamp", "Chair"]) {
      await useCases.create({ name, description: null });
    }
    const [page, total] = await useCases.list({ limit: 1, offset: 0, nameContains: "LAMP" });
    expect(total).toBe(2);
    expect(page.map((item) => item.name)).toEqual(["Lamp"]);
  });
});
