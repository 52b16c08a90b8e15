import { describe, expect, it } from "vitest";

import { ItemHandlers } from "../src/adapters/http-items.js";
import { ItemUseCases } from "../src/application/items.js";
import type { ItemRepository } from "../src/domain/ports.js";
import { AppError } from "../src/problems.js";
import { InMemoryItemRepository } from "./fakes.js";

function handlers(repository: ItemRepository = new InMemoryItemRepository()): ItemHandlers {
  return new ItemHandlers(new ItemUseCases(repository));
}

async function statusOf(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
  } catch (error) {
    return error instanceof AppError ? error.status : undefined;
  }
  return 200;
}

describe("the HTTP adapter of the use cases", () => {
  it("turns each domain error into its problem status", async () => {
    const items = handlers();
    await items.create({ name: "Lamp", description: null });
    expect(await statusOf(items.get(99))).toBe(404);
    expect(await statusOf(items.create({ name: "Lamp", description: null }))).toBe(409);
    expect(await statusOf(items.create({ name: "   ", description: null }))).toBe(422);
    expect(await statusOf(items.list({ limit: 10, offset: 0 }))).toBe(200);
    const lamp = await items.create({ name: "Desk lamp", description: null, parentId: 1 });
    expect(await statusOf(items.update(1, { parentId: lamp.id }))).toBe(409);
    expect(await statusOf(items.delete(1))).toBe(409);
  });

  it("lets any other failure through unchanged", async () => {
    const broken = new InMemoryItemRepository();
    const failure = new Error("disk on fire");
    broken.get = () => Promise.reject(failure);
    await expect(handlers(broken).get(1)).rejects.toBe(failure);
  });
});
