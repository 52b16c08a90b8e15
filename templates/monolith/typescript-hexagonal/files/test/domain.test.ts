import { describe, expect, it } from "vitest";

import {
  DomainError,
  ItemPlacementError,
  changeItem,
  moveItem,
  newItem,
} from "../src/domain/items.js";

describe("the item domain", () => {
  it("makes a new item with a trimmed name and equal timestamps", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(newItem("  Lamp ", null, null, now)).toEqual({
      id: undefined,
      name: "Lamp",
      description: null,
      parentId: null,
      createdAt: now,
      updatedAt: now,
    });
  });

  it("refuses an item without a name", () => {
    expect(() => newItem("   ", null)).toThrow(DomainError);
  });

  it("changes only the fields given, and moves updatedAt", () => {
    const created = newItem("Lamp", "Bright", null, new Date("2026-01-01T00:00:00Z"));
    const later = new Date("2026-01-02T00:00:00Z");
    expect(changeItem(created, { description: null }, later)).toMatchObject({
      name: "Lamp",
      description: null,
      createdAt: created.createdAt,
      updatedAt: later,
    });
    expect(changeItem(created, { name: "Desk" }, later)).toMatchObject({
      name: "Desk",
      description: "Bright",
    });
    expect(() => changeItem(created, { name: "" })).toThrow(DomainError);
  });

  it("moves an item under a parent, never under itself or below it", () => {
    const shelf = { ...newItem("Shelf", null), id: 1 };
    const box = { ...newItem("Box", null, 1), id: 2 };
    const book = { ...newItem("Book", null), id: 3 };
    const later = new Date("2026-01-02T00:00:00Z");
    expect(moveItem(book, box, [shelf], later)).toMatchObject({ parentId: 2, updatedAt: later });
    expect(moveItem(box, undefined, []).parentId).toBeNull();
    expect(() => moveItem(shelf, box, [shelf])).toThrow(ItemPlacementError);
    expect(() => moveItem(shelf, shelf, [])).toThrow("cannot sit under item 1");
  });
});
