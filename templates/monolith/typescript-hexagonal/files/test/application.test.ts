import { beforeEach, describe, expect, it } from "vitest";

import { ItemUseCases } from "../src/application/items.js";
import { DuplicateItemNameError, ItemNotFoundError } from "../src/domain/items.js";
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

  it("lists a filtered page and the total", async () => {
    for (const name of ["Lamp", "Desk lamp", "Chair"]) {
      await useCases.create({ name, description: null });
    }
    const [page, total] = await useCases.list({ limit: 1, offset: 0, nameContains: "LAMP" });
    expect(total).toBe(2);
    expect(page.map((item) => item.name)).toEqual(["Lamp"]);
  });
});
